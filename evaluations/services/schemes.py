"""支部考核: a committee's scoring schemes, manual scores, and the computed scores of its branches.

Scores are computed by `scores_compute` (the `scheme_score_task` of a scheme), stored with the inputs they used, and
computed again when the scheme or the data behind them change: meetings' after-write hook and the appraisal
services call `scores_changed`, which enqueues the task of each current scheme covering the organisations after the
transaction commits. A published scheme is never edited: `scheme_update` makes a new version, and the old version's
scores keep theirs.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.errors import DomainError, NotPermitted
from branches.models import Level, Organisation
from members.access import Scope

from .. import indicators, rules, selectors
from ..models import BranchScore, Indicator, IndicatorKind, ManualScore, Scheme


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted()


def _check(name: str, bands: Sequence[tuple[int, str]], parts: Sequence[tuple[str, int]]) -> None:
    if not name.strip():
        raise DomainError(_("请填写方案名称。"), field="name")
    kinds = [kind for kind, _weight in parts]
    if len(set(kinds)) != len(kinds) or any(kind not in IndicatorKind.values for kind in kinds):
        raise DomainError(_("每项指标只能出现一次。"), field="indicators")
    if not rules.weights_valid([weight for _kind, weight in parts]):
        total = sum(weight for _kind, weight in parts)
        raise DomainError(
            _("各项指标的权重须为正数且合计为100分（现为%(total)d分）。") % {"total": total}, field="indicators"
        )
    if not rules.bands_valid(bands):
        raise DomainError(_("等级划分至少两级，分数线由高到低依次递减，最低一级从0分起。"), field="bands")


def _write(scheme: Scheme, parts: Sequence[tuple[str, int]]) -> None:
    Indicator.objects.bulk_create([Indicator(scheme=scheme, kind=kind, weight=weight) for kind, weight in parts])


@transaction.atomic
def scheme_create(
    *,
    organisation: Organisation,
    year: int,
    name: str,
    bands: Sequence[tuple[int, str]],
    parts: Sequence[tuple[str, int]],
    by: Scope,
    today: date | None = None,
) -> Scheme:
    """A committee defines its scoring scheme for its subtree and a year."""
    _require(by.may_define_scheme(organisation))
    today = today or timezone.localdate()
    if not rules.year_allowed(year, today.year):
        raise DomainError(_("考核年度不在有效范围内。"), field="year")
    if Scheme.objects.filter(organisation=organisation, year=year).exists():
        raise DomainError(_("本组织%(year)d年度的考核方案已经存在，请修改现行方案。") % {"year": year}, field="year")
    _check(name, bands, parts)
    scheme = Scheme.objects.create(
        organisation=organisation, year=year, name=name.strip(), bands=[[low, str(label)] for low, label in bands]
    )
    _write(scheme, parts)
    _enqueue([scheme.pk])
    return scheme


@transaction.atomic
def scheme_update(
    *, scheme: Scheme, name: str, bands: Sequence[tuple[int, str]], parts: Sequence[tuple[str, int]], by: Scope
) -> Scheme:
    """Change a scheme; once its scores are published the change is a new version (the old keeps its scores)."""
    _require(by.may_define_scheme(scheme.organisation))
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if not scheme.is_current:
        raise DomainError(_("这是已被替代的旧版本，请修改现行版本。"))
    _check(name, bands, parts)
    stored_bands = [[low, str(label)] for low, label in bands]
    if scheme.is_published:
        scheme.is_current = False
        scheme.save(update_fields=["is_current"])
        old_manual = list(ManualScore.objects.filter(indicator__scheme=scheme).select_related("indicator"))
        scheme = Scheme.objects.create(
            organisation=scheme.organisation,
            year=scheme.year,
            version=scheme.version + 1,
            name=name.strip(),
            bands=stored_bands,
        )
        _write(scheme, parts)
        new_indicators = {i.kind: i for i in scheme.indicators.all()}
        ManualScore.objects.bulk_create(
            [
                ManualScore(
                    indicator=new_indicators[m.indicator.kind],
                    organisation_id=m.organisation_id,
                    value=m.value,
                    justification=m.justification,
                )
                for m in old_manual
                if m.indicator.kind in new_indicators
            ]
        )
    else:
        scheme.name, scheme.bands = name.strip(), stored_bands
        scheme.save(update_fields=["name", "bands"])
        kept = {kind for kind, _weight in parts}
        scheme.indicators.exclude(kind__in=kept).delete()
        for kind, weight in parts:
            Indicator.objects.update_or_create(scheme=scheme, kind=kind, defaults={"weight": weight})
    _enqueue([scheme.pk])
    return scheme


@transaction.atomic
def scheme_publish(*, scheme: Scheme, by: Scope, today: date | None = None) -> Scheme:
    """Publish a scheme's scores to its branches; later changes to the scheme make a new version."""
    _require(by.may_define_scheme(scheme.organisation))
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.is_published:
        raise DomainError(_("该方案的得分已经发布。"))
    if not scheme.is_current:
        raise DomainError(_("这是已被替代的旧版本。"))
    scores_compute(scheme=scheme, by=by)
    scheme.published_on = today or timezone.localdate()
    scheme.save(update_fields=["published_on"])
    return scheme


@transaction.atomic
def manual_score_set(
    *, indicator: Indicator, organisation: Organisation, value: int, justification: str, by: Scope
) -> ManualScore:
    """The committee scores a manual indicator (results, the masses' satisfaction) of one branch, with a reason."""
    scheme = indicator.scheme
    _require(by.may_define_scheme(scheme.organisation))
    if not indicator.is_manual:
        raise DomainError(_("该指标由系统根据已有数据计算，不能人工评分。"))
    if not scheme.is_current:
        raise DomainError(_("这是已被替代的旧版本，请在现行版本中评分。"))
    if organisation.level != Level.BRANCH or not organisation.path.startswith(scheme.organisation.path):
        raise DomainError(_("只能为本方案适用范围内的党支部评分。"), field="organisation")
    if not 0 <= value <= 100:
        raise DomainError(_("得分应在0到100之间。"), field="value")
    if not justification.strip():
        raise DomainError(_("请简要说明评分依据。"), field="justification")
    found, _created = ManualScore.objects.update_or_create(
        indicator=indicator,
        organisation=organisation,
        defaults={"value": value, "justification": justification.strip()[:300]},
    )
    _enqueue([scheme.pk])
    return found


def _manual_figures(indicator: Indicator) -> dict[int, indicators.Figure]:
    return {
        m.organisation_id: indicators.Figure(float(m.value), m.justification, "")
        for m in ManualScore.objects.filter(indicator=indicator)
    }


@transaction.atomic
def scores_compute(*, scheme: Scheme, by: Scope) -> int:
    """Compute and store the score of every branch the scheme covers, with the inputs used; returns their number.

    A superseded version keeps its scores as they were."""
    _require(by.may_define_scheme(scheme.organisation) or by.is_system)
    scheme = Scheme.objects.get(pk=scheme.pk)
    if not scheme.is_current:
        return 0
    branches = selectors.branches_scored_by(scheme)
    ids = [branch.pk for branch in branches]
    parts_of = list(scheme.indicators.all())
    indicators.forget()
    figures = {
        i.kind: (_manual_figures(i) if i.is_manual else indicators.figures(i.kind, ids, scheme.year)) for i in parts_of
    }
    now = timezone.now()
    bands = [(low, label) for low, label in scheme.bands]
    rows = []
    for branch in branches:
        parts, inputs = [], {}
        for indicator in parts_of:
            figure = figures[indicator.kind].get(branch.pk)
            value = None if figure is None else figure.value
            part = rules.Part(indicator.kind, value, indicator.weight)
            parts.append(part)
            inputs[indicator.kind] = {
                "weight": indicator.weight,
                "points": part.points,
                **(figure.as_dict() if figure else {"value": None, "detail": "", "link": ""}),
            }
        total = rules.weighted_total(parts)
        rows.append(
            BranchScore(
                scheme=scheme,
                organisation=branch,
                total=total,
                band=rules.band_for(total, bands),
                inputs=inputs,
                computed_at=now,
            )
        )
    BranchScore.objects.filter(scheme=scheme).delete()
    BranchScore.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _enqueue(scheme_ids: Iterable[int]) -> None:
    for scheme_id in sorted(set(scheme_ids)):
        scheme_score_task().delay_on_commit(scheme_id)


def scores_changed(organisation_ids: Iterable[int | None], year: int) -> None:
    """What scores of these organisations' branches are made of changed: once the transaction commits, enqueue the
    scoring task of every current scheme of the year above them (looked up then, so a write pays nothing for it)."""
    ids = sorted({pk for pk in organisation_ids if pk is not None})
    if ids:
        transaction.on_commit(lambda: _enqueue_above(ids, year))


def _enqueue_above(organisation_ids: list[int], year: int) -> None:
    paths = {
        p
        for path in Organisation.objects.filter(pk__in=organisation_ids).values_list("path", flat=True)
        for p in selectors.ancestor_paths(path)
    }
    schemes = Scheme.objects.filter(organisation__path__in=paths, year=year, is_current=True)
    for scheme_id in schemes.values_list("pk", flat=True):
        scheme_score_task().delay(scheme_id)


def scheme_score_task():
    from ..tasks import scheme_score_task as task

    return task


def meeting_changed(meeting, event: str) -> None:
    """meetings' after-write hook: the scores of the meeting's year above its branch may change."""
    starts = meeting.starts_at
    if not isinstance(starts, datetime):
        return
    year = timezone.localtime(starts).year if timezone.is_aware(starts) else starts.year
    scores_changed([meeting.organisation_id], year)
