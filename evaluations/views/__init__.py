"""Pages of 民主评议党员 and 支部考核: the member's (`member`), the branch secretary's (`secretary`) and the
committees' and reviewers' (`assessment`)."""

from .assessment import (  # noqa: F401
    AssessmentView,
    DistributionView,
    ManualScoresView,
    SchemeListView,
    SchemeView,
    ScoreView,
)
from .member import MyAppraisalsView, SelfAssessmentView, VoteView  # noqa: F401
from .secretary import (  # noqa: F401
    AppraisalDetailView,
    BranchAppraisalsView,
    FeedbackView,
    GradesView,
    MassesView,
)
