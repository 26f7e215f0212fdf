# Each entry: URL name -> function(world) returning a list of Case (tests/matrix.py). The world's branch A has an
# appraisal at the ballot step; P1 has a scheme (unpublished) with a score of branch A.
from tests.matrix import Case

_ALL = {"member": 200, "secretary_a": 200, "secretary_b": 200, "reviewer": 200, "admin": 200}
#: Members of branch A (its secretary is one): they take part; admins and reviewers are no members of it.
_TAKE_PART_A = {"member": 200, "secretary_a": 200}
_RUN_A = {"secretary_a": 200, "admin": 200}
_READ_P1 = {"reviewer": 200, "admin": 200}
_READ_A = {"secretary_a": 200, "reviewer": 200, "admin": 200}


def _appraisal(w, step: str = "ballot"):
    from django.utils import timezone

    from evaluations.models import Appraisal

    appraisal, _created = Appraisal.objects.get_or_create(
        organisation=w.branch_a,
        year=timezone.localdate().year,
        defaults={"opened_on": timezone.localdate(), "step": step, "voters_expected": 2},
    )
    return appraisal


def _scheme(w):
    from django.utils import timezone

    from evaluations.models import Indicator, Scheme

    scheme, created = Scheme.objects.get_or_create(
        organisation=w.p1,
        year=timezone.localdate().year,
        version=1,
        defaults={"name": "星级评定", "bands": [[80, "好"], [0, "一般"]]},
    )
    if created:
        Indicator.objects.create(scheme=scheme, kind="compliance", weight=70)
        Indicator.objects.create(scheme=scheme, kind="results", weight=30)
    return scheme


def _score(w):
    from django.utils import timezone

    from evaluations.models import BranchScore

    score, _created = BranchScore.objects.get_or_create(
        scheme=_scheme(w),
        organisation=w.branch_a,
        defaults={"total": 80, "band": "好", "computed_at": timezone.now(), "inputs": {}},
    )
    return score


CASES = {
    "evaluations:mine": lambda w: [Case({}, _ALL)],
    "evaluations:self_assessment": lambda w: [Case({"pk": _appraisal(w, "self_assessment").pk}, _TAKE_PART_A)],
    "evaluations:vote": lambda w: [Case({"pk": _appraisal(w).pk}, _TAKE_PART_A)],
    "evaluations:branch": lambda w: [Case({"pk": w.branch_a.pk}, _RUN_A), Case({"pk": w.p1.pk}, {"admin": 404})],
    "evaluations:detail": lambda w: [Case({"pk": _appraisal(w).pk}, _RUN_A)],
    "evaluations:masses": lambda w: [Case({"pk": _appraisal(w).pk}, _RUN_A)],
    "evaluations:grades": lambda w: [Case({"pk": _appraisal(w).pk}, _RUN_A)],
    "evaluations:feedback": lambda w: [Case({"pk": _appraisal(w).pk}, _RUN_A)],
    "evaluations:distribution": lambda w: [
        Case({"pk": w.p1.pk}, _READ_P1),
        Case({"pk": w.branch_a.pk}, _READ_A),
        Case({"pk": w.p1.pk}, _READ_P1, query="year=2025"),
    ],
    "evaluations:schemes": lambda w: [Case({"pk": w.p1.pk}, _READ_P1)],
    "evaluations:scheme": lambda w: [Case({"pk": _scheme(w).pk}, _READ_P1)],
    "evaluations:manual": lambda w: [Case({"pk": _scheme(w).pk}, {"admin": 200})],
    "evaluations:score": lambda w: [Case({"pk": _score(w).pk}, _READ_P1)],
    "evaluations:assessment": lambda w: [Case({"pk": w.branch_a.pk}, _READ_A)],
}

EXEMPT: dict[str, str] = {}
