"""Every date the admin lets one type has a range, as the portal's own forms do (issue 10: bad input never breaks
the portal)."""

import pytest
from django import forms
from django.contrib import admin

from branches.dates import DateRangeValidator
from notifications.models import Notice

pytestmark = pytest.mark.django_db

PORTAL_APPS = ("branches", "members", "meetings", "evaluations", "notifications")


def _request(rf, user):
    request = rf.get("/")
    request.user = user
    return request


def test_every_date_an_admin_form_accepts_has_a_range(rf, world):
    """Each date or time field of a portal model that an admin may add or change is checked against its range."""
    request = _request(rf, world.admin)
    missing = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue
        for name, field in model_admin.get_form(request)().fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField) and not any(
                isinstance(validator, DateRangeValidator) for validator in field.validators
            ):
                missing.append(f"{model._meta.label}.{name}")
    assert not missing, f"admin date fields without a range: {missing}"


def test_the_notice_admin_refuses_a_send_time_out_of_range(rf, world):
    """发送时间 of a notice lies from ten years back to two years ahead, as meetings do."""
    form_class = admin.site._registry[Notice].get_form(_request(rf, world.admin))
    form = form_class(data={"due_at_0": "0001-01-01", "due_at_1": "09:00"})
    assert not form.is_valid()
    assert form.errors["due_at"][0].startswith("日期不能早于")
