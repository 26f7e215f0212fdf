"""The two people of a 谈心谈话 record on the meeting form: 谈话人 and 谈话对象, two different party members of the
branch (`rules.talk_is_pair`); they become the record's two expected attendees."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MeetingType

TALK_FIELDS = ("talker", "talk_partner")


def add_talk_fields(form: forms.Form, people) -> None:
    """Add the two people's fields, chosen among `people` (the branch's party members)."""
    labels = {"talker": _("谈话人"), "talk_partner": _("谈话对象")}
    for name in TALK_FIELDS:
        field = forms.ModelChoiceField(
            label=labels[name],
            queryset=people,
            required=False,
            error_messages={"invalid_choice": _("所选人员不是本支部党员。")},
        )
        field.label_from_instance = lambda m: m.name
        form.fields[name] = field


def clean_talk(form: forms.Form, cleaned: dict) -> None:
    """A 谈心谈话 names exactly two different members; other types ignore the fields."""
    if MeetingType.HEART_TO_HEART_TALK not in (cleaned.get("types") or []):
        return
    first, second = (cleaned.get(name) for name in TALK_FIELDS)
    for name in TALK_FIELDS:
        if cleaned.get(name) is None and name not in form.errors:
            form.add_error(name, _("谈心谈话应填写谈话双方。"))
    if first is not None and first == second:
        form.add_error("talk_partner", _("谈话双方应为两名不同的党员。"))


def talk_people(cleaned: dict) -> list | None:
    """The record's two people for `meeting_plan` (None: not a talk, the types decide who is expected)."""
    if MeetingType.HEART_TO_HEART_TALK not in (cleaned.get("types") or []):
        return None
    return [cleaned[name] for name in TALK_FIELDS]
