from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="list"),
    path("new/", views.OrganisationRootCreateView.as_view(), name="create_root"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="detail"),
    path("<int:pk>/new/", views.OrganisationCreateView.as_view(), name="create"),
    path("<int:pk>/edit/", views.OrganisationUpdateView.as_view(), name="edit"),
    path("<int:pk>/committee/", views.CommitteeStartView.as_view(), name="committee"),
    path("<int:pk>/committee/extend/", views.CommitteeExtendView.as_view(), name="committee_extend"),
    path("<int:pk>/history/", views.OrganisationHistoryView.as_view(), name="history"),
]
