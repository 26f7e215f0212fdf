"""Meetings URLs: plan, log, finalise and amend (the views package); other pages append their patterns below."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns: list = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.MeetingCreateView.as_view(), name="create"),
    path("trash/", views.MeetingTrashView.as_view(), name="trash"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="edit"),
    path("<int:pk>/attendance/", views.MeetingAttendanceView.as_view(), name="attendance"),
    path("<int:pk>/finalise/", views.MeetingFinaliseView.as_view(), name="finalise"),
    path("<int:pk>/amend/", views.MeetingAmendView.as_view(), name="amend"),
    path("<int:pk>/cancel/", views.MeetingCancelView.as_view(), name="cancel"),
    path("<int:pk>/delete/", views.MeetingDeleteView.as_view(), name="delete"),
    path("<int:pk>/restore/", views.MeetingRestoreView.as_view(), name="restore"),
    path("<int:pk>/history/", views.MeetingHistoryView.as_view(), name="history"),
]

# Compliance pages (compliance_views.py).
from . import compliance_views  # noqa: E402

urlpatterns += [
    path("compliance/<int:pk>/", compliance_views.ComplianceView.as_view(), name="compliance"),
    path("requirements/<int:pk>/", compliance_views.RequirementsView.as_view(), name="requirements"),
]

# Photos, attachments, minutes PDF, calendar, .ics feed and the member's own meetings (file_views.py, minutes.py,
# calendar_views.py).
from . import calendar_views, file_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/photos/add/", file_views.PhotoAddView.as_view(), name="photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/", file_views.PhotoView.as_view(), name="photo"),
    path("<int:pk>/photos/<int:photo_pk>/remove/", file_views.PhotoRemoveView.as_view(), name="photo_remove"),
    path("<int:pk>/attachments/add/", file_views.AttachmentAddView.as_view(), name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", file_views.AttachmentDownloadView.as_view(), name="attachment"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/",
        file_views.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("<int:pk>/minutes.pdf", file_views.MinutesPdfView.as_view(), name="minutes_pdf"),
    path("calendar/", calendar_views.CalendarView.as_view(), name="calendar"),
    path("mine/", calendar_views.MyMeetingsView.as_view(), name="mine"),
    path("ics/<str:token>.ics", calendar_views.IcsFeedView.as_view(), name="ics"),
]
