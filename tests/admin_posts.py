"""Posting a Django admin change form as a browser would: every field as the form shows it, with some changed."""

from datetime import date, datetime

from django.db.models import Model
from django.utils import timezone


def _form_value(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_form_value(item) for item in value]
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def change_form_data(response, **changes) -> dict:
    """The POST data of the admin form a GET `response` shows, with `changes` ({field: value}) applied.

    Date-times go to the admin's split widget (`name_0` day, `name_1` time, local); inline formsets are sent empty,
    which leaves their rows as they are.
    """
    form = response.context["adminform"].form
    values = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    values.update(changes)
    data = {}
    for name, value in values.items():
        if callable(value):
            value = value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
        else:
            data[name] = _form_value(value)
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data
