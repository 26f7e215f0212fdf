"""Where computed indicators get their figures: a registry of indicator sources, kind → function(organisation ids,
year) → {organisation id: `Figure`}.

evaluations registers the sources it can compute from what it and the apps below it hold: meeting compliance,
attendance, days silent and members' appraisal results, and, from study, dues and development (which sit below
evaluations), study completion, dues paid in full and development steps done on time. `register(kind, source)`
replaces a source. A kind without a source gives no figure: it
neither adds nor costs points (`rules.weighted_total`). No source counts uploaded documents, photos or logins.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db.models import Count, Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from branches.models import Organisation
from development.models import Step as DevelopmentStep
from dues import selectors as dues_selectors
from meetings import rules as meeting_rules
from meetings import selectors as meeting_selectors
from meetings.models import MeetingStatus
from study.models import Assignment, AssignmentState

from . import rules
from .models import AppraisalResult, Grade, IndicatorKind, Step


@dataclass(frozen=True)
class Figure:
    """One computed indicator of one branch: the value 0–100 (None: nothing to count), the figures it came from in
    words, and the link to the records behind it."""

    value: float | None
    detail: str
    link: str

    def as_dict(self) -> dict:
        return {"value": self.value, "detail": self.detail, "link": self.link}


Source = Callable[[list[int], int], dict[int, Figure]]
SOURCES: dict[str, Source] = {}


def register(kind: str, source: Source) -> None:
    """Let `source` compute the indicator `kind` (the last registration wins)."""
    SOURCES[kind] = source


def figures(kind: str, organisation_ids: Iterable[int], year: int) -> dict[int, Figure]:
    """The figures of one indicator for the branches; {} when no source is registered for it."""
    source = SOURCES.get(kind)
    ids = list(organisation_ids)
    return source(ids, year) if source and ids else {}


def _as_of(year: int) -> date:
    today = timezone.localdate()
    return min(today, date(year, 12, 31))


_PK = 987654321


@lru_cache(maxsize=32)
def _url_pattern(name: str, prefix: str, with_pk: bool = True) -> str:
    """`name` reversed (with a placeholder key) under the script prefix `prefix`, once per process."""
    return reverse(name, args=[_PK] if with_pk else None)


def _url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])`, reversed once per name (a scoring run links thousands of branches' records)."""
    return _url_pattern(name, get_script_prefix()).replace(str(_PK), str(pk))


def _meeting_list(organisation_id: int, year: int) -> str:
    query = urlencode(
        {"organisation": organisation_id, "status": MeetingStatus.FINALISED, "period": str(year), "unit_only": "true"}
    )
    return f"{_url_pattern('meetings:list', get_script_prefix(), with_pk=False)}?{query}"


@lru_cache(maxsize=2)
def _compliance_results(organisation_ids: tuple[int, ...], year: int, as_of: date) -> list:
    """The compliance engine's figures, shared by the three sources that read them in one scoring run."""
    units = Organisation.objects.filter(pk__in=organisation_ids).order_by("path")
    return meeting_selectors.compliance_for_branches(units, str(year), as_of)


def forget() -> None:
    """Start a scoring run from the data as it is now (the engine's figures are kept only within a run)."""
    _compliance_results.cache_clear()


def _compliance(organisation_ids: list[int], year: int) -> dict[int, Figure]:
    results = _compliance_results(tuple(sorted(organisation_ids)), year, _as_of(year))
    out = {}
    for result in results:
        decided = [t for t in result.required_types if t.status != meeting_rules.NEUTRAL]
        green = sum(1 for t in decided if t.status == meeting_rules.GREEN)
        link = f"{_url('meetings:compliance', result.organisation.pk)}?period={year}"
        detail = _("%(green)d/%(total)d 项会议要求已落实") % {"green": green, "total": len(decided)}
        out[result.organisation.pk] = Figure(rules.share_score(green, len(decided)), detail, link)
    return out


def _attendance(organisation_ids: list[int], year: int) -> dict[int, Figure]:
    out = {}
    for result in _compliance_results(tuple(sorted(organisation_ids)), year, _as_of(year)):
        detail = _("实到 %(present)d 人次 / 应到 %(expected)d 人次") % {
            "present": result.present,
            "expected": result.expected,
        }
        value = rules.share_score(result.present, result.expected)
        out[result.organisation.pk] = Figure(value, detail, _meeting_list(result.organisation.pk, year))
    return out


def _activity(organisation_ids: list[int], year: int) -> dict[int, Figure]:
    as_of = _as_of(year)
    out = {}
    for result in _compliance_results(tuple(sorted(organisation_ids)), year, as_of):
        last = result.last_activity
        days = None if last is None else (as_of - last).days
        detail = _("最近一次活动：%(day)s") % {"day": last.isoformat() if last else _("无")}
        out[result.organisation.pk] = Figure(
            rules.days_silent_score(days), detail, _meeting_list(result.organisation.pk, year)
        )
    return out


def _appraisal(organisation_ids: list[int], year: int) -> dict[int, Figure]:
    rows = AppraisalResult.objects.filter(
        appraisal__organisation_id__in=organisation_ids,
        appraisal__year=year,
        appraisal__step__in=(Step.FEEDBACK, Step.FINISHED),
    ).values_list("appraisal__organisation_id", "appraisal_id", "grade")
    counts: dict[int, list[int]] = {}
    appraisal_of: dict[int, int] = {}
    for organisation_id, appraisal_id, grade in rows:
        good_total = counts.setdefault(organisation_id, [0, 0])
        good_total[1] += 1
        good_total[0] += grade in (Grade.EXCELLENT, Grade.QUALIFIED)
        appraisal_of[organisation_id] = appraisal_id
    out = {}
    for organisation_id, (good, total) in counts.items():
        detail = _("%(good)d/%(total)d 名党员评为合格及以上") % {"good": good, "total": total}
        link = _url("evaluations:detail", appraisal_of[organisation_id])
        out[organisation_id] = Figure(rules.share_score(good, total), detail, link)
    return out


def _study(organisation_ids: list[int], year: int) -> dict[int, Figure]:
    """学习任务完成情况: of the year's study tasks due by now, the share the branch's members completed."""
    as_of = _as_of(year)
    rows = (
        Assignment.objects.filter(
            member__organisation_id__in=organisation_ids, task__due_on__year=year, task__due_on__lte=as_of
        )
        .values("member__organisation_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(state=AssignmentState.DONE)))
        .order_by()
    )
    out = {}
    for row in rows:
        detail = _("%(done)d/%(total)d 项学习任务按期完成") % {"done": row["done"], "total": row["total"]}
        out[row["member__organisation_id"]] = Figure(
            rules.share_score(row["done"], row["total"]),
            detail,
            _url_pattern("study:list", get_script_prefix(), with_pk=False),
        )
    return out


def _dues(organisation_ids: list[int], year: int) -> dict[int, Figure]:
    """按时交纳党费情况: in the last month of the year that has ended (or this month, in December), the share of the
    branch's members owing dues who paid them in full."""
    as_of = _as_of(year)
    month = date(year, 12, 1) if as_of.year == year and as_of.month == 12 else date(year, max(as_of.month - 1, 1), 1)
    out = {}
    for organisation_id, (members, unpaid) in dues_selectors.unit_month_totals(organisation_ids, month, as_of).items():
        if not members:
            continue
        detail = _("%(month)s：%(paid)d/%(members)d 名党员已交足党费") % {
            "month": f"{month:%Y-%m}",
            "paid": members - unpaid,
            "members": members,
        }
        link = f"{_url('dues:ledger', organisation_id)}?{urlencode({'month': f'{month:%Y-%m}'})}"
        out[organisation_id] = Figure(rules.share_score(members - unpaid, members), detail, link)
    return out


def _development(organisation_ids: list[int], year: int) -> dict[int, Figure]:
    """发展党员按期推进情况: of the development steps the branch recorded this year, the share done within their
    deadlines (a late step is kept and counted here, never hidden)."""
    rows = (
        DevelopmentStep.objects.filter(member__organisation_id__in=organisation_ids, done_on__year=year)
        .values("member__organisation_id")
        .annotate(total=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
        .order_by()
    )
    out = {}
    for row in rows:
        on_time = row["total"] - row["late"]
        detail = _("%(on_time)d/%(total)d 个发展步骤按期完成") % {"on_time": on_time, "total": row["total"]}
        link = _url("development:board", row["member__organisation_id"])
        out[row["member__organisation_id"]] = Figure(rules.share_score(on_time, row["total"]), detail, link)
    return out


register(IndicatorKind.COMPLIANCE, _compliance)
register(IndicatorKind.ATTENDANCE, _attendance)
register(IndicatorKind.ACTIVITY, _activity)
register(IndicatorKind.APPRAISAL, _appraisal)
register(IndicatorKind.STUDY, _study)
register(IndicatorKind.DUES, _dues)
register(IndicatorKind.DEVELOPMENT, _development)
