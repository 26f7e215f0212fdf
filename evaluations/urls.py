"""民主评议党员 and 支部考核 URLs."""

from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("", views.MyAppraisalsView.as_view(), name="mine"),
    path("<int:pk>/self/", views.SelfAssessmentView.as_view(), name="self_assessment"),
    path("<int:pk>/vote/", views.VoteView.as_view(), name="vote"),
    path("branch/<int:pk>/", views.BranchAppraisalsView.as_view(), name="branch"),
    path("<int:pk>/manage/", views.AppraisalDetailView.as_view(), name="detail"),
    path("<int:pk>/masses/", views.MassesView.as_view(), name="masses"),
    path("<int:pk>/grades/", views.GradesView.as_view(), name="grades"),
    path("<int:pk>/feedback/", views.FeedbackView.as_view(), name="feedback"),
    path("distribution/<int:pk>/", views.DistributionView.as_view(), name="distribution"),
    path("schemes/<int:pk>/", views.SchemeListView.as_view(), name="schemes"),
    path("scheme/<int:pk>/", views.SchemeView.as_view(), name="scheme"),
    path("scheme/<int:pk>/manual/", views.ManualScoresView.as_view(), name="manual"),
    path("score/<int:pk>/", views.ScoreView.as_view(), name="score"),
    path("assessment/<int:pk>/", views.AssessmentView.as_view(), name="assessment"),
]
