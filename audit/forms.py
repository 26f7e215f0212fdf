"""The audit log's filters: person, action, and a date range within sane bounds."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Action

#: The log cannot hold events from before the portal existed, nor from the future.
EARLIEST = date(2020, 1, 1)


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("登录名"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("操作"), choices=[("", _("全部")), *Action.choices], required=False)
    since = forms.DateField(label=_("起始日期"), required=False, widget=DateInput)
    until = forms.DateField(label=_("截止日期"), required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in ("since", "until"):
            day = cleaned.get(name)
            if day is not None and not EARLIEST <= day <= today:
                self.add_error(name, _("请填写 %(start)s 至今天之间的日期。") % {"start": EARLIEST.isoformat()})
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since and not self.errors:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return cleaned

    def filters(self) -> dict:
        """The valid filters (an invalid one is left out, and shown on the form)."""
        if not self.is_valid():
            return {name: value for name, value in self.cleaned_data.items() if name not in self.errors and value}
        return {name: value for name, value in self.cleaned_data.items() if value}
