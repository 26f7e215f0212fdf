"""A member record's change history (django-simple-history) as lines a person can read.

ID numbers appear only in their masked form; the encrypted value and bookkeeping fields are never shown.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Organisation

from .models import Member

#: Fields whose changes are not shown: secrets, and values that change on every save.
HIDDEN_FIELDS = {"id_number_encrypted", "id_number_index", "version", "deleted_at", "created_at", "updated_at"}
KIND_LABELS = {"+": gettext_lazy("创建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One saved version: when, by whom, and what changed from the version before it."""

    record: object
    kind: str
    changes: list[Change] = field(default_factory=list)


def member_history(member: Member) -> QuerySet:
    """The saved versions of a member's record, newest first, with the user who saved each."""
    return member.history.select_related("history_user").order_by("-history_date", "-history_id")


def history_entries(records: list, *, base=None) -> list[HistoryEntry]:
    """Describe each of `records` (newest first) against the next older one; `base` is the version just before
    the last of them (from the next page), if any."""
    pairs = list(zip(records, [*records[1:], base], strict=True))
    names = _related_names([*records, base] if base is not None else records)
    entries = []
    for record, older in pairs:
        kind = str(KIND_LABELS.get(record.history_type, KIND_LABELS["~"]))
        changes = []
        if older is not None and record.history_type != "+":
            for model_field in _shown_fields():
                old, new = getattr(older, model_field.attname), getattr(record, model_field.attname)
                if old != new:
                    changes.append(
                        Change(
                            str(model_field.verbose_name),
                            _display(model_field, old, names),
                            _display(model_field, new, names),
                        )
                    )
        entries.append(HistoryEntry(record=record, kind=kind, changes=changes))
    return entries


def _shown_fields() -> list:
    """Fields whose changes are shown (non-editable ones too, such as the masked ID number), in the model's order."""
    return [f for f in Member._meta.concrete_fields if f.name not in HIDDEN_FIELDS and not f.primary_key]


def _related_names(records: list) -> dict[tuple[str, object], str]:
    """Names of the organisations and logins the records point at, in two queries at most."""
    org_ids = {r.organisation_id for r in records} | {r.party_group_id for r in records}
    user_ids = {r.user_id for r in records}
    names: dict[tuple[str, object], str] = {}
    org_ids.discard(None)
    user_ids.discard(None)
    if org_ids:
        for pk, name in Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"):
            names[("org", pk)] = name
    if user_ids:
        for pk, username in get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"):
            names[("user", pk)] = username
    return names


def _display(model_field, value, names: dict) -> str:
    """A stored value as the record's pages show it."""
    if value in (None, ""):
        return "—"
    if model_field.name == "photo":
        return _("（照片）")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        kind = "user" if model_field.name == "user" else "org"
        pk = getattr(value, "pk", value)
        return names.get((kind, pk), str(pk))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)
