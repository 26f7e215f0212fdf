from django.urls import path

from branches import views as branch_views

app_name = "members"

urlpatterns = [
    path("", branch_views.HomeView.as_view(), name="list"),
    path("<int:pk>/", branch_views.HomeView.as_view(), name="detail"),
]
