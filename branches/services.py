"""Every write to the organisation tree (committee elections, which name people, are `members.services`)."""

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import rules
from .dates import date_range_problem, date_range_problems
from .errors import DomainError, NotPermitted
from .models import CommitteeTerm, Level, Organisation
from .permissions import Actor

#: Fields of an organisation that its forms set.
ORGANISATION_FIELDS = ("name", "code", "level", "domain", "form", "founded_on")

#: `hook(organisation)` runs inside the transaction of every change to the tree: an organisation added, edited, moved
#: or deleted (by these services or the admin; None when several were deleted at once). Apps above branches
#: (meetings: every compliance page names and places organisations) register here in their `ready()`, so branches
#: imports none of them.
organisation_changed_hooks: list[Callable[[Organisation | None], None]] = []
#: `hook(term)` runs inside the transaction of every change to a committee term or its posts (an election here, an
#: edit in the admin): the committee decides who owes a 支部委员会.
committee_changed_hooks: list[Callable[[CommitteeTerm], None]] = []

#: Levels from the top of the tree down: 上级党委 → 基层党委 → 党总支 → 党支部 → 党小组.
LEVEL_ORDER = (
    Level.SUPERIOR_COMMITTEE,
    Level.PRIMARY_COMMITTEE,
    Level.GENERAL_BRANCH,
    Level.BRANCH,
    Level.PARTY_GROUP,
)


def organisation_changed(organisation: Organisation | None) -> None:
    """Tell the apps above (`organisation_changed_hooks`) that the tree changed; the admin calls it after its saves."""
    for hook in organisation_changed_hooks:
        hook(organisation)


def committee_changed(term: CommitteeTerm) -> None:
    """Tell the apps above (`committee_changed_hooks`) that a committee changed; the admin calls it after its saves."""
    for hook in committee_changed_hooks:
        hook(term)


def child_levels(parent_level: str | None) -> list[str]:
    """Levels (national): a unit sits below its parent's level, and a 党小组 only inside a 党支部.

    A root may be any level but a 党小组; levels may be skipped (a 基层党委 may hold 党支部 directly).
    """
    if parent_level is None:
        return [level for level in LEVEL_ORDER if level != Level.PARTY_GROUP]
    if parent_level == Level.BRANCH:
        return [Level.PARTY_GROUP]
    if parent_level == Level.PARTY_GROUP:
        return []
    rank = LEVEL_ORDER.index(parent_level)
    return [level for level in LEVEL_ORDER[rank + 1 :] if level != Level.PARTY_GROUP]


def organisation_check(
    *, data: dict, parent: Organisation | None, organisation: Organisation | None = None
) -> dict[str, str]:
    """Return the problems of an organisation's data as {field: Chinese message}; empty when valid.

    `parent` is where the organisation sits (or will be added); `organisation` is the one being edited, if any.
    """
    problems: dict[str, str] = {}
    code = (data.get("code") or "").strip()
    if code:
        taken = Organisation.objects.filter(code__iexact=code)
        if organisation is not None:
            taken = taken.exclude(pk=organisation.pk)
        if taken.exists():
            problems["code"] = _("组织代码“%(code)s”已被其他党组织使用。") % {"code": code}
    problems.update(date_range_problems(data, rules.ORGANISATION_DATE_RANGES))
    level = data.get("level")
    if level:
        parent_level = parent.level if parent is not None else None
        if level not in child_levels(parent_level):
            if parent is None:
                problems["level"] = _("党小组不能作为顶层组织。")
            elif parent_level == Level.PARTY_GROUP:
                problems["level"] = _("党小组下不能再设下级组织。")
            elif level == Level.PARTY_GROUP:
                problems["level"] = _("党小组只能设在党支部之下。")
            else:
                problems["level"] = _("下级组织的层级必须低于上级组织“%(parent)s”（%(level)s）。") % {
                    "parent": parent.name,
                    "level": parent.get_level_display(),
                }
        elif organisation is not None and organisation.numchild:
            allowed = child_levels(level)
            below = set(Organisation.objects.get_children(organisation).values_list("level", flat=True))
            if not below <= set(allowed):
                problems["level"] = _("该组织已有下级组织，层级必须高于其全部下级组织。")
    return problems


def _raise_first(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field=None if field == "__all__" else field)


def _full_clean(instance: Organisation, **kwargs) -> None:
    """Model validation, reported as the project's domain error."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from error


def _clean_data(data: dict) -> dict:
    fields = {name: data[name] for name in ORGANISATION_FIELDS if name in data}
    for name in ("name", "code"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    return fields


@transaction.atomic
def organisation_create(*, parent: Organisation | None, data: dict, by: Actor) -> Organisation:
    """Add an organisation under `parent` (or as a root) after checking the level and code rules."""
    if parent is None:
        permitted = by.may_add_root()
    else:
        # Under a 党小组 no one adds anything: the level rule below refuses it with its own message.
        permitted = by.may_add_child(parent) or not child_levels(parent.level)
    if not permitted:
        raise NotPermitted
    fields = _clean_data(data)
    _raise_first(organisation_check(data=fields, parent=parent))
    candidate = Organisation(**fields)
    _full_clean(candidate, exclude=["path", "depth", "numchild"])
    if parent is None:
        created = Organisation.objects.add_root(instance=candidate)
    else:
        created = Organisation.objects.add_child(parent, instance=candidate)
    organisation_changed(created)
    return created


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, data: dict, by: Actor, version: int | None = None
) -> Organisation:
    """Change an organisation's name, code, level, domain, form or founding date; its place in the tree stays.

    Only those who may change the level change it (a secretary's form shows it locked). With `version` (the one the
    editor's page showed), a change someone else saved in between is kept and this one refused.
    """
    if not by.may_edit_organisation(organisation):
        raise NotPermitted
    fields = _clean_data(data)
    if fields.get("level", organisation.level) != organisation.level and not by.may_change_level(organisation):
        raise NotPermitted
    parent = Organisation.objects.get_parent(organisation)
    _raise_first(organisation_check(data=fields, parent=parent, organisation=organisation))
    current = Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("version", flat=True)
    current = current.first()
    if version is not None and current != version:
        raise DomainError(_("该组织的信息已被他人修改，您的修改未保存。请刷新页面后重新填写。"))
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.version = (current or organisation.version) + 1
    _full_clean(organisation)
    organisation.save()
    organisation_changed(organisation)
    return organisation


def extension_check(*, term: CommitteeTerm, extended_until: date | None, approved_on: date | None) -> dict[str, str]:
    """Return the problems of an extension (延期换届) as {field: Chinese message}; empty when valid.

    Term (换届): only the current term is extended, by at most one year after its end, with the date the superior
    approved it (not before the election, not after today).
    """
    problems: dict[str, str] = {}
    if not term.is_current:
        return {"__all__": _("只能为现任委员会办理延期换届。")}
    if extended_until is None:
        problems["extended_until"] = _("请填写延期后的届满日期。")
    else:
        out_of_range = date_range_problem(extended_until, rules.EXTENDED_UNTIL_RANGE)
        if out_of_range:
            problems["extended_until"] = out_of_range
        elif not rules.extension_allowed(term.term_ends_on, extended_until):
            problems["extended_until"] = _(
                "延期后的届满日期应晚于原届满日期（%(end)s），且延期最长不超过一年。"
            ) % {"end": term.term_ends_on.isoformat()}
    if approved_on is None:
        problems["extension_approved_on"] = _("请填写上级党组织批准延期的日期。")
    else:
        out_of_range = date_range_problem(approved_on, rules.EXTENSION_APPROVED_ON_RANGE)
        if out_of_range:
            problems["extension_approved_on"] = out_of_range
        elif approved_on < term.elected_on:
            problems["extension_approved_on"] = _("批准日期不能早于本届选举日期（%(date)s）。") % {
                "date": term.elected_on.isoformat()
            }
    return problems


@transaction.atomic
def committee_term_extend(
    *, term: CommitteeTerm, extended_until: date, approved_on: date, by: Actor
) -> CommitteeTerm:
    """Record an approved extension of the current term (延期换届): the term then ends on `extended_until`, and the
    warnings (due soon, overdue) follow the new end. Recording it again corrects it; the history keeps each.

    Recorded by those who record the organisation's committee elections (`by.may_elect`)."""
    if not by.may_elect(term.organisation):
        raise NotPermitted
    term = CommitteeTerm.objects.select_for_update().get(pk=term.pk)
    _raise_first(extension_check(term=term, extended_until=extended_until, approved_on=approved_on))
    term.extended_until = extended_until
    term.extension_approved_on = approved_on
    term.save(update_fields=["extended_until", "extension_approved_on"])
    committee_changed(term)
    return term
