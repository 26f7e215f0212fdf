"""Every write to a member record, and committee elections (换届: who holds which post)."""

import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record, target_of
from branches import rules as branch_rules
from branches import selectors as branch_selectors
from branches import services as branch_services
from branches.dates import date_range_problem, date_range_problems
from branches.errors import DomainError, NotPermitted
from branches.models import CommitteeTerm, Level, Organisation

from .. import crypto, photos, rules
from ..access import Scope
from ..models import CommitteePost, IdNumberAccess, Member, Post, Status
from ..photos import photo_clean  # noqa: F401 - the photo check other apps' uploads use (meetings' photos)
from ..spreadsheets import cell_write, row_append, workbook_bytes  # noqa: F401 - the text-only Excel writer of other apps' exports

#: `hook(member, before)` runs inside the transaction of every change to a member record: created, edited, moved,
#: deleted, restored, given a photo (by these services or the admin). `before`: the ids of the branch and party group
#: the record was in before the change (empty for a new record). Apps above members (meetings: its figures count
#: 正式党员 and its lists name hosts) register here in their `ready()`, so members imports none of them.
member_changed_hooks: list[Callable[[Member, set[int]], None]] = []

#: Fields a form may set directly on a member; the ID number goes through `id_number`.
EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "phone",
    "email",
    "education",
    "work_unit",
    "position",
    "organisation",
    "party_group",
    "status",
    "applied_on",
    "joined_on",
    "confirmed_on",
    "probation_starts_on",
    "probation_ends_on",
    "is_mobile",
    "away_place",
    "away_unit",
    "away_party_org",
    "away_contact",
    "away_since",
)


def member_units(member: Member) -> set[int]:
    """The ids of the branch and party group a member record is in."""
    return {pk for pk in (member.organisation_id, member.party_group_id) if pk}


def member_changed(member: Member, before: Iterable[int]) -> None:
    """Tell the apps above (`member_changed_hooks`) that a record changed; the admin calls it after its saves."""
    for hook in member_changed_hooks:
        hook(member, set(before))


@dataclass(frozen=True)
class IdNumberColumns:
    """What a member's row holds of an ID number: never the number itself."""

    encrypted: str  # Fernet, for the logged reveal and the "with ID numbers" export
    index: str  # keyed hash, for exact search and the duplicate check
    masked: str  # 5201**********123X, for every page


def id_number_columns(id_number: str) -> IdNumberColumns:
    """The stored forms of an ID number (bulk loads write these columns directly)."""
    value = rules.id_number_normalise(id_number)
    return IdNumberColumns(crypto.encrypt(value), crypto.blind_index(value), rules.id_number_mask(value))


def id_number_store(member: Member, id_number: str) -> None:
    """Set the encrypted value, blind index and mask of a member's ID number (not saved)."""
    columns = id_number_columns(id_number)
    member.id_number_encrypted = columns.encrypted
    member.id_number_index = columns.index
    member.id_number_masked = columns.masked


def id_number_reveal(*, member: Member, by: Scope, address: str | None) -> str:
    """The full ID number of a member, for a caller who may see it (the member, their branch's secretary, admins);
    every reveal is written to the ID-number access log (身份证号查看记录) in the same step."""
    if not by.may_reveal_id_number(member):
        raise NotPermitted
    IdNumberAccess.objects.create(member=member, user_id=by.user_id, address=address, purpose="show")
    audit_record(action=Action.ID_REVEAL, user_id=by.user_id, address=address, target=target_of(member))
    return crypto.decrypt(member.id_number_encrypted)


class IdNumberExport:
    """The ID numbers of a roster export: masked, or (`full`) the full number of each member the caller may export,
    every full number logged; `number_of` is called per row while the file is written, `save` logs them all at once."""

    def __init__(self, *, by: Scope, address: str | None, full: bool):
        if full and not by.may_export_full_id_numbers():
            raise NotPermitted
        self.by, self.address, self.full = by, address, full
        self._accesses: list[IdNumberAccess] = []

    def number_of(self, member: Member) -> str:
        if self.full and self.by.may_export_id_number_of(member):
            self._accesses.append(
                IdNumberAccess(member=member, user_id=self.by.user_id, address=self.address, purpose="export")
            )
            return crypto.decrypt(member.id_number_encrypted)
        return member.id_number_masked

    def save(self) -> int:
        """Write the access log of every full number handed out; returns how many."""
        IdNumberAccess.objects.bulk_create(self._accesses, batch_size=1000)
        saved, self._accesses = len(self._accesses), []
        audit_record(
            action=Action.EXPORT,
            user_id=self.by.user_id,
            address=self.address,
            target="members.member",
            detail=_("党员名册（含完整身份证号 %(n)d 个）") % {"n": saved}
            if self.full
            else _("党员名册（身份证号已遮盖）"),
        )
        return saved


def id_number_export(*, by: Scope, address: str | None, full: bool) -> IdNumberExport:
    """Start the ID numbers of a roster export (see `IdNumberExport`); a caller who may not export full numbers
    asking for them is refused."""
    return IdNumberExport(by=by, address=address, full=full)


def id_number_taken(id_number: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another record (deleted ones included) already has this ID number."""
    index = crypto.blind_index(rules.id_number_normalise(id_number))
    return Member.all_objects.filter(id_number_index=index).exclude(pk=exclude_pk).exists()


def member_check(
    *, data: dict, id_number: str | None, exclude_pk: int | None = None, member: Member | None = None
) -> dict[str, str]:
    """Return the rule problems of a member's data as {field: Chinese message}; empty when valid.

    Without a new `id_number`, the birth date is checked against the number stored for `member` (if given).
    """
    problems: dict[str, str] = {}
    today = timezone.localdate()
    stored = member.id_number_encrypted if member is not None and id_number is None else ""
    if stored and data.get("birth_date") and rules.id_birth_date(crypto.decrypt(stored)) != data["birth_date"]:
        problems["birth_date"] = _("出生日期与身份证号码不一致。")
    if id_number is not None:
        if not rules.id_number_valid(id_number, today):
            problems["id_number"] = _("身份证号码无效：请核对18位号码、其中的出生日期及最后一位校验码。")
        elif id_number_taken(id_number, exclude_pk=exclude_pk):
            problems["id_number"] = _("该身份证号码已登记在其他党员档案中。")
        elif data.get("birth_date") and rules.id_birth_date(rules.id_number_normalise(id_number)) != data["birth_date"]:
            problems["birth_date"] = _("出生日期与身份证号码不一致。")
    problems.update(date_range_problems(data, rules.MEMBER_DATE_RANGES, today=today))
    applied, joined, confirmed = data.get("applied_on"), data.get("joined_on"), data.get("confirmed_on")
    if applied and joined and joined < applied and "joined_on" not in problems:
        problems["joined_on"] = _("入党日期不能早于递交入党申请日期。")
    if joined and confirmed and confirmed < joined and "confirmed_on" not in problems:
        problems["confirmed_on"] = _("转正日期不能早于入党日期。")
    problems.update(_probation_problems(data, problems, member=member, today=today))
    stored_status = getattr(member, "status", None)
    if data.get("status") == Status.TRANSFERRED_OUT and stored_status != Status.TRANSFERRED_OUT:
        problems["status"] = _("“已转出”由组织关系转接登记，请在转接页面办理。")
    birth = data.get("birth_date")
    if birth and applied and "applied_on" not in problems and not rules.old_enough_to_apply(birth, applied):
        problems["applied_on"] = _("递交入党申请时应年满18周岁。")
    organisation: Organisation | None = data.get("organisation")
    if organisation is not None and organisation.level != Level.BRANCH:
        problems["organisation"] = _("党员应编入党支部。")
    group: Organisation | None = data.get("party_group")
    if (
        group is not None
        and organisation is not None
        and (group.level != Level.PARTY_GROUP or not group.path.startswith(organisation.path))
    ):
        problems["party_group"] = _("党小组应属于所在党支部。")
    return problems


def _probation_problems(data: dict, found: dict[str, str], *, member: Member | None, today) -> dict[str, str]:
    """留党察看 (Party Constitution, Article 40): both dates or neither, the end after the start and at most two
    years after it, and, while it has not ended, only for a Party member (预备党员 or 正式党员), who keeps their
    membership. A field missing from `data` keeps the value stored on `member`."""

    def value(name: str):
        return data[name] if name in data else getattr(member, name, None)

    starts, ends = value("probation_starts_on"), value("probation_ends_on")
    if starts is None and ends is None:
        return {}
    if "probation_starts_on" in found or "probation_ends_on" in found:
        return {}
    if starts is None:
        return {"probation_starts_on": _("请填写留党察看开始日期。")}
    if ends is None:
        return {"probation_ends_on": _("请填写留党察看截止日期。")}
    if ends <= starts:
        return {"probation_ends_on": _("留党察看截止日期应晚于开始日期。")}
    if not rules.probation_period_valid(starts, ends):
        return {"probation_ends_on": _("留党察看期限最长不超过两年。")}
    if ends >= today and value("status") not in rules.MEMBERSHIP_STATUSES:
        return {"status": _("留党察看只适用于党员（预备党员、正式党员）。")}
    return {}


def _raise_first(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field=field)


@transaction.atomic
def member_create(*, data: dict, id_number: str, by: Scope) -> Member:
    """Create a member record, in a branch `by` manages, after checking the rules."""
    if not by.may_add_member_to(data.get("organisation")):
        raise NotPermitted
    _raise_first(member_check(data=data, id_number=id_number))
    member = Member(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    id_number_store(member, id_number)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise DomainError(_("该身份证号码已登记在其他党员档案中。"), field="id_number") from exc
    member_changed(member, set())
    return member


@transaction.atomic
def member_update(*, member: Member, data: dict, version: int, by: Scope, id_number: str | None = None) -> Member:
    """Save changes unless someone else saved the record since `version` was read; a record moves only to a branch
    `by` manages."""
    if not by.may_manage_member(member):
        raise NotPermitted
    moved_to = data.get("organisation")
    if moved_to is not None and moved_to.pk != member.organisation_id and not by.may_add_member_to(moved_to):
        raise NotPermitted
    _raise_first(member_check(data=data, id_number=id_number or None, exclude_pk=member.pk, member=member))
    locked = Member.objects.select_for_update().filter(pk=member.pk)
    row = locked.values_list("version", "organisation_id", "party_group_id").first()
    current, *before = row or (None, None, None)  # `before`: where the record was, for a transfer
    if current is None:
        raise DomainError(_("该党员档案已被删除。"))
    if current != version:
        raise DomainError(_("该档案已被他人修改，您的修改未保存。请刷新页面后重新填写。"))
    for key, value in data.items():
        if key in EDITABLE_FIELDS:
            setattr(member, key, value)
    if id_number:
        id_number_store(member, id_number)
    member.version = version + 1
    member.save()
    member_changed(member, {pk for pk in before if pk})
    return member


@transaction.atomic
def member_delete(*, member: Member, by: Scope) -> None:
    """Move a record to the recycle bin; `member_restore` brings it back.

    A holder of a post in a current committee term stays: the committee is changed first.
    """
    if not by.may_manage_member(member):
        raise NotPermitted
    if CommitteePost.objects.current().filter(member=member).exists():
        raise DomainError(_("该党员担任现任支部委员会职务，请先调整支部委员会后再删除。"))
    member.is_deleted = True
    member.deleted_at = timezone.now()
    member.version += 1
    member.save(update_fields=["is_deleted", "deleted_at", "version", "updated_at"])
    member_changed(member, member_units(member))


@transaction.atomic
def member_restore(*, member: Member, by: Scope) -> None:
    """Bring a record back from the recycle bin."""
    if not by.may_manage_member(member):
        raise NotPermitted
    member.is_deleted = False
    member.deleted_at = None
    member.version += 1
    member.save(update_fields=["is_deleted", "deleted_at", "version", "updated_at"])
    member_changed(member, member_units(member))


@transaction.atomic
def member_photo_set(*, member: Member, upload: UploadedFile, by: Scope) -> Member:
    """Replace a member's photo with a cleaned copy of an upload (re-encoded JPEG without metadata).

    The file gets a random name; the previous file is removed once the change is committed.
    """
    if not by.may_manage_member(member):
        raise NotPermitted
    content = photos.photo_clean(upload)
    previous = member.photo.name
    storage = member.photo.storage
    member.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(content), save=False)
    stored = member.photo.name
    transaction.on_commit(lambda: previous and storage.delete(previous))
    try:
        with transaction.atomic():
            member.save(update_fields=["photo", "updated_at"])
    except Exception:
        storage.delete(stored)
        raise
    member_changed(member, member_units(member))
    return member


# --- Committee elections -------------------------------------------------------------------------------------------


def committee_check(
    *, organisation: Organisation, elected_on: date, posts: Iterable[tuple[Member, str]]
) -> dict[str, str]:
    """Return the problems of a new committee term as {field: Chinese message}; empty when valid.

    Committee (national): a 党支部, 党总支 or 党委 elects its committee (a 党小组 has none); one 书记; holders are
    正式党员 on the election day (预备党员 have no 被选举权, nor has a member under 留党察看) of the organisation
    (a 党支部's own members; for a 党总支 or 党委, members of the branches below it), each in one post; a 支委会 has
    at most 7 members.
    """
    problems: dict[str, str] = {}
    posts = list(posts)
    if organisation.level not in branch_rules.ELECTING_LEVELS:
        return {"__all__": _("只有党支部、党总支和党委可以选举委员会；党小组不设委员会。")}
    is_branch = organisation.level == Level.BRANCH
    out_of_range = date_range_problem(elected_on, branch_rules.ELECTED_ON_RANGE)
    if out_of_range:
        problems["elected_on"] = out_of_range
    else:
        current = CommitteeTerm.objects.filter(organisation=organisation, is_current=True).first()
        if current is not None and elected_on <= current.elected_on:
            message = (
                _("选举日期必须晚于现任支部委员会的选举日期（%(date)s）。")
                if is_branch
                else _("选举日期必须晚于现任委员会的选举日期（%(date)s）。")
            )
            problems["elected_on"] = message % {"date": current.elected_on.isoformat()}
    secretaries = sum(1 for _member, post in posts if post == Post.SECRETARY)
    if secretaries != 1:
        problems["secretary"] = _("支部委员会须有且只有一名书记。") if is_branch else _("委员会须有且只有一名书记。")
    if any(post not in Post.values for _member, post in posts):
        problems.setdefault("__all__", _("职务无效。"))
    holders = Counter(member.pk for member, _post in posts)
    twice = [member.name for member, _post in posts if holders[member.pk] > 1]
    if twice:
        message = (
            _("同一名党员在一届支部委员会中只能担任一个职务：%(names)s。")
            if is_branch
            else _("同一名党员在一届委员会中只能担任一个职务：%(names)s。")
        )
        problems.setdefault("__all__", message % {"names": "、".join(dict.fromkeys(twice))})
    units = {organisation.pk} if is_branch else set(branch_selectors.branch_ids_under(organisation))
    outside = [
        member.name
        for member, _post in posts
        if member.organisation_id not in units
        or member.is_deleted
        or member.status != Status.FULL
        or not member.full_member_on(elected_on)
    ]
    if outside:
        message = (
            _("支部委员须为本支部的正式党员：%(names)s。")
            if is_branch
            else _("委员须为本组织所属党支部的正式党员：%(names)s。")
        )
        problems.setdefault("__all__", message % {"names": "、".join(outside)})
    on_probation = [member.name for member, _post in posts if member.on_probation_on(elected_on)]
    if on_probation:
        problems.setdefault(
            "__all__",
            _("%(names)s在留党察看期内，没有被选举权。") % {"names": "、".join(dict.fromkeys(on_probation))},
        )
    if is_branch and len(holders) > branch_rules.COMMITTEE_MAX:
        problems.setdefault("__all__", _("支部委员会一般不超过7人。"))
    return problems


@transaction.atomic
def committee_term_start(
    *, organisation: Organisation, elected_on: date, posts: list[tuple[Member, str]], by: Scope
) -> CommitteeTerm:
    """Record a committee election (换届) of a 党支部, 党总支 or 党委: the previous term ends, the new one is current.

    The term follows `branches.rules.term_ends_on`: 党支部 and 党总支 5 years in 村 and 社区, 3 years elsewhere; a
    党委 5 years.
    """
    # Only a 党支部, 党总支 or 党委 elects a committee: for anything else the committee rule refuses it with its own
    # message.
    if not by.may_elect(organisation) and organisation.level in branch_rules.ELECTING_LEVELS:
        raise NotPermitted
    # Lock the organisation so that two elections recorded at once cannot both become current.
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    problems = committee_check(organisation=organisation, elected_on=elected_on, posts=posts)
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field=None if field == "__all__" else field)
    for previous in CommitteeTerm.objects.filter(organisation=organisation, is_current=True):
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    term = CommitteeTerm.objects.create(
        organisation=organisation,
        elected_on=elected_on,
        term_ends_on=branch_rules.term_ends_on(organisation.domain, elected_on, organisation.level),
        is_current=True,
    )
    for member, post in posts:
        CommitteePost.objects.create(term=term, member=member, post=post)
    branch_services.committee_changed(term)
    return term
