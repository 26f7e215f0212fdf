"""Requirement overrides and the fixed 主题党日 of an organisation."""

from django.db import transaction
from django.utils.translation import gettext as _

from branches.errors import DomainError
from branches.models import Organisation
from members.access import Scope

from .. import compliance, rules
from ..models import (
    MeetingType,
    Period,
    RequirementOverride,
    ThemeDaySetting,
)
from .common import _require


@transaction.atomic
def requirement_override_set(
    *, organisation: Organisation, meeting_type: str, period: str, count: int, by: Scope
) -> RequirementOverride:
    """Set an organisation's own requirement for a type, for its whole subtree (nearer settings still win)."""
    _require(by.may_set_requirements(organisation))
    if meeting_type not in MeetingType.values:
        raise DomainError(_("会议类型无效。"), field="meeting_type")
    if period not in Period.values:
        raise DomainError(_("周期无效。"), field="period")
    if count is None or count < 0:
        raise DomainError(_("次数不能为负数。"), field="count")
    if not rules.requirement_allowed(rules.Requirement(meeting_type, period, count)):
        national = rules.default_requirement(meeting_type)
        raise DomainError(
            _("%(type)s的频次是全国性规定（%(period)s %(count)d 次），只能提高，不能降低或取消。")
            % {
                "type": MeetingType(meeting_type).label,
                "period": Period(national.period).label,
                "count": national.count,
            },
            field="count",
        )
    override, _created = RequirementOverride.objects.update_or_create(
        organisation=organisation, meeting_type=meeting_type, defaults={"period": period, "count": count}
    )
    compliance.everything_changed()  # the requirement applies to the whole subtree below
    return override


@transaction.atomic
def requirement_override_clear(*, organisation: Organisation, meeting_type: str, by: Scope) -> None:
    """Remove an organisation's own setting; the nearest ancestor's (or the default) applies again."""
    _require(by.may_set_requirements(organisation))
    for override in RequirementOverride.objects.filter(organisation=organisation, meeting_type=meeting_type):
        override.delete()
    compliance.everything_changed()


@transaction.atomic
def theme_day_set(*, organisation: Organisation, day_of_month: int | None, by: Scope) -> ThemeDaySetting | None:
    """Set (or, with None, clear) the fixed day of 主题党日 for an organisation and its subtree (nearer settings win).

    Only a reminder follows from it (notifications), never a compliance figure: no page needs renewing.
    """
    _require(by.may_set_requirements(organisation))
    if day_of_month is None:
        ThemeDaySetting.objects.filter(organisation=organisation).delete()
        return None
    if not rules.duties.THEME_DAY_FIRST <= day_of_month <= rules.duties.THEME_DAY_LAST:
        raise DomainError(_("固定日应在1至31之间。"), field="day_of_month")
    setting, _created = ThemeDaySetting.objects.update_or_create(
        organisation=organisation, defaults={"day_of_month": day_of_month}
    )
    return setting
