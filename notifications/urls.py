from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NoticeListView.as_view(), name="list"),
    path("<int:pk>/read/", views.NoticeReadView.as_view(), name="read"),
    path("read-all/", views.NoticeReadAllView.as_view(), name="read_all"),
    path("failed/", views.NoticeFailedListView.as_view(), name="failed"),
    path("<int:pk>/retry/", views.NoticeRetryView.as_view(), name="retry"),
]
