"""The Django admin: Chinese titles, and every registered model's pages open for a superuser."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _ids(item) -> str:
    return item[0]._meta.label


@pytest.fixture
def superuser_client(world) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def test_admin_index_is_chinese(superuser_client):
    """The admin index opens with the portal's Chinese titles."""
    response = superuser_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "党支部工作管理平台 管理后台" in html
    assert "数据管理" in html


def test_every_app_has_models_registered():
    """Each portal app with models registers them in the admin."""
    labels = {model._meta.app_label for model in admin.site._registry}
    assert {"branches", "members", "auth"} <= labels


PORTAL_APPS = ("branches", "members", "meetings", "evaluations")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_portal_model_is_in_the_admin_with_chinese_names():
    """Each model of the portal's apps is registered (or edited inline) and named in Chinese."""
    inlines = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    missing, unnamed = [], []
    for app in PORTAL_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            if model not in admin.site._registry and model not in inlines:
                missing.append(model._meta.label)
            if not (
                CHINESE.search(str(model._meta.verbose_name)) and CHINESE.search(str(model._meta.verbose_name_plural))
            ):
                unnamed.append(model._meta.label)
    assert not missing, f"models not in the admin: {missing}"
    assert not unnamed, f"models without Chinese names: {unnamed}"


@pytest.mark.parametrize("item", REGISTERED, ids=_ids)
def test_changelist_add_and_change_pages_open(item, superuser_client):
    """For each registered model the list, the add page and (when a row exists) the change page answer 200."""
    model, model_admin = item
    opts = model._meta
    response = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200, f"{opts.label} changelist"
    request = response.wsgi_request
    if model_admin.has_add_permission(request):
        response = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert response.status_code == 200, f"{opts.label} add"
    obj = model_admin.get_queryset(request).first()
    if obj is not None:
        response = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert response.status_code == 200, f"{opts.label} change"


@pytest.mark.parametrize("item", REGISTERED, ids=_ids)
def test_changelist_search_does_not_fail(item, superuser_client):
    """A search on a changelist (where the admin has a search box) answers 200."""
    model, model_admin = item
    if not model_admin.search_fields:
        pytest.skip("no search box")
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert superuser_client.get(url, {"q": "党"}).status_code == 200


@pytest.mark.parametrize("role", ["member", "secretary_a", "reviewer"])
def test_non_staff_users_are_sent_to_the_admin_login(world, role):
    """Portal users without staff status do not get into the admin."""
    client = Client()
    client.force_login(world.users()[role])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
    model = REGISTERED[0][0]._meta
    response = client.get(reverse(f"admin:{model.app_label}_{model.model_name}_changelist"))
    assert response.status_code == 302


def test_anonymous_is_sent_to_the_admin_login():
    response = Client().get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
