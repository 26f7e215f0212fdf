from django.urls import path

from . import views

app_name = "development"

urlpatterns = [
    path("", views.DevelopmentHomeView.as_view(), name="index"),
    path("organisation/<int:pk>/", views.BoardView.as_view(), name="board"),
    path("organisation/<int:pk>/funnel/", views.FunnelView.as_view(), name="funnel"),
    path("person/<int:pk>/", views.PathView.as_view(), name="path"),
    path("person/<int:pk>/step/", views.StepRecordView.as_view(), name="record"),
]
