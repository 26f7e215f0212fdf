from django.urls import path

from . import views

app_name = "dues"

urlpatterns = [
    path("", views.LedgerIndexView.as_view(), name="index"),
    path("ledger/<int:pk>/", views.LedgerView.as_view(), name="ledger"),
    path("ledger/<int:pk>/export/", views.LedgerExportView.as_view(), name="export"),
    path("members/<int:pk>/", views.MemberDuesView.as_view(), name="member"),
    path("members/<int:pk>/declare/", views.DeclareView.as_view(), name="declare"),
    path("members/<int:pk>/pay/", views.PayView.as_view(), name="pay"),
    path("members/<int:pk>/reduce/", views.ReduceView.as_view(), name="reduce"),
    path("payments/<int:pk>/delete/", views.PaymentDeleteView.as_view(), name="payment_delete"),
]
