"""Meetings URLs: plan, log, finalise and amend (views.py); other pages append their patterns below."""

from django.urls import path  # noqa: F401  (patterns follow)

app_name = "meetings"

urlpatterns: list = [
]

# Compliance pages (compliance_views.py).
from . import compliance_views  # noqa: E402

urlpatterns += [
    path("compliance/<int:pk>/", compliance_views.ComplianceView.as_view(), name="compliance"),
    path("requirements/<int:pk>/", compliance_views.RequirementsView.as_view(), name="requirements"),
]

# Photos, attachments, minutes PDF, calendar, .ics feed and the member's own meetings (file_views.py, minutes.py,
# calendar_views.py).
from . import calendar_views, file_views, minutes  # noqa: E402

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
    path("<int:pk>/minutes.pdf", minutes.MinutesPdfView.as_view(), name="minutes_pdf"),
    path("calendar/", calendar_views.CalendarView.as_view(), name="calendar"),
    path("mine/", calendar_views.MyMeetingsView.as_view(), name="mine"),
    path("ics/<str:token>.ics", calendar_views.IcsFeedView.as_view(), name="ics"),
]
