"""Every write of evaluations: the 民主评议党员 (`appraisals`) and the 支部考核 schemes and scores (`schemes`)."""

from .appraisals import (  # noqa: F401
    appraisal_advance,
    appraisal_changed_hooks,
    appraisal_confirm,
    appraisal_open,
    appraisal_setting_set,
    ballot_cast,
    ballot_close,
    feedback_set,
    follow_up_save,
    grades_set,
    masses_opinions_set,
    self_assessment_save,
)
from .schemes import (  # noqa: F401
    manual_score_set,
    scheme_create,
    scheme_publish,
    scheme_update,
    scores_changed,
    scores_compute,
)
