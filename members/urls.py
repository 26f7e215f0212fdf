from django.urls import path

from . import excel_views, transfer_views, views

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

urlpatterns += [
    path("transfers/", transfer_views.TransferListView.as_view(), name="transfers"),
    path("transfers/<int:pk>/", transfer_views.TransferDetailView.as_view(), name="transfer_detail"),
    path("transfers/<int:pk>/accept/", transfer_views.TransferAcceptView.as_view(), name="transfer_accept"),
    path("transfers/<int:pk>/return/", transfer_views.TransferReturnView.as_view(), name="transfer_return"),
    path("transfers/<int:pk>/cancel/", transfer_views.TransferCancelView.as_view(), name="transfer_cancel"),
    path("transfers/<int:pk>/left/", transfer_views.TransferLeftView.as_view(), name="transfer_left"),
    path("transfers/<int:pk>/letter/", transfer_views.TransferLetterView.as_view(), name="transfer_letter"),
    path("<int:pk>/transfer/", transfer_views.TransferStartView.as_view(), name="transfer_start"),
    path("mobile/", transfer_views.MobileMemberListView.as_view(), name="mobile"),
]
