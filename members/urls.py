from django.urls import path

from . import excel_views, views

app_name = "members"

urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("new/", views.MemberCreateView.as_view(), name="create"),
    path("trash/", views.MemberTrashView.as_view(), name="trash"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MemberUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.MemberDeleteView.as_view(), name="delete"),
    path("<int:pk>/restore/", views.MemberRestoreView.as_view(), name="restore"),
    path("<int:pk>/history/", views.MemberHistoryView.as_view(), name="history"),
    path("<int:pk>/id-number/", views.ShowIdNumberView.as_view(), name="show_id"),
    path("<int:pk>/photo/", views.PhotoView.as_view(), name="photo"),
    path("<int:pk>/photo/upload/", views.PhotoUploadView.as_view(), name="photo_upload"),
]

urlpatterns += [
    path("import/", excel_views.ImportView.as_view(), name="import"),
    path("import/template/", excel_views.ImportTemplateView.as_view(), name="import_template"),
    path("export/", excel_views.ExportView.as_view(), name="export"),
]
