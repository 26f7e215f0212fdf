"""Every write to a member record."""

import uuid
from collections.abc import Callable, Iterable

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.dates import date_range_problems
from branches.errors import DomainError
from branches.models import CommitteePost, Level, Organisation

from . import crypto, photos, rules
from .models import Member

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
)


def member_units(member: Member) -> set[int]:
    """The ids of the branch and party group a member record is in."""
    return {pk for pk in (member.organisation_id, member.party_group_id) if pk}


def member_changed(member: Member, before: Iterable[int]) -> None:
    """Tell the apps above (`member_changed_hooks`) that a record changed; the admin calls it after its saves."""
    for hook in member_changed_hooks:
        hook(member, set(before))


def id_number_store(member: Member, id_number: str) -> None:
    """Set the encrypted value, blind index and mask of a member's ID number (not saved)."""
    value = rules.id_number_normalise(id_number)
    member.id_number_encrypted = crypto.encrypt(value)
    member.id_number_index = crypto.blind_index(value)
    member.id_number_masked = rules.id_number_mask(value)


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
def member_create(*, data: dict, id_number: str) -> Member:
    """Create a member record after checking the rules."""
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
def member_update(*, member: Member, data: dict, version: int, id_number: str | None = None) -> Member:
    """Save changes unless someone else saved the record since `version` was read."""
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
def member_delete(*, member: Member) -> None:
    """Move a record to the recycle bin; `member_restore` brings it back.

    A holder of a post in a current committee term stays: the committee is changed first.
    """
    if CommitteePost.objects.filter(member=member, term__is_current=True).exists():
        raise DomainError(_("该党员担任现任支部委员会职务，请先调整支部委员会后再删除。"))
    member.is_deleted = True
    member.deleted_at = timezone.now()
    member.version += 1
    member.save(update_fields=["is_deleted", "deleted_at", "version", "updated_at"])
    member_changed(member, member_units(member))


@transaction.atomic
def member_restore(*, member: Member) -> None:
    """Bring a record back from the recycle bin."""
    member.is_deleted = False
    member.deleted_at = None
    member.version += 1
    member.save(update_fields=["is_deleted", "deleted_at", "version", "updated_at"])
    member_changed(member, member_units(member))


@transaction.atomic
def member_photo_set(*, member: Member, upload: UploadedFile) -> Member:
    """Replace a member's photo with a cleaned copy of an upload (re-encoded JPEG without metadata).

    The file gets a random name; the previous file is removed once the change is committed.
    """
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
