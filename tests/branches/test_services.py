"""Writes to the organisation tree: rules are checked, nothing is half-saved, a caller out of scope is refused."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from branches import services
from branches.errors import DomainError, NotPermitted
from branches.models import Domain, Form, Level, Organisation
from branches.permissions import Actor
from members.access import SYSTEM, scope_for

pytestmark = pytest.mark.django_db


def _data(**changes) -> dict:
    data = {"name": "新组织", "code": "NEW1", "level": Level.BRANCH, "domain": Domain.STATE_ENTERPRISE}
    data.update(form=Form.SINGLE, founded_on=date(2020, 5, 4))
    data.update(changes)
    return data


# --- organisation_create / organisation_update ---------------------------------------------------------------------


def test_create_adds_a_child_in_the_tree_with_history(world):
    """A new unit sits under its parent (its path starts with the parent's) and its creation is recorded."""
    created = services.organisation_create(parent=world.p1, data=_data(name="  丙党支部 ", code=" C "), by=SYSTEM)
    assert created.path.startswith(world.p1.path)
    assert created.depth == world.p1.depth + 1
    assert (created.name, created.code) == ("丙党支部", "C")
    assert Organisation.objects.get(pk=world.p1.pk).numchild == 2
    assert created.history.count() == 1


def test_create_root(db):
    """An admin may start a new tree with a root of any level but a 党小组."""
    root = services.organisation_create(parent=None, data=_data(level=Level.SUPERIOR_COMMITTEE), by=SYSTEM)
    assert root.depth == 1
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=None, data=_data(code="G", level=Level.PARTY_GROUP), by=SYSTEM)
    assert error.value.field == "level"


@pytest.mark.parametrize(
    ("parent", "level", "message"),
    [
        ("branch_a", Level.BRANCH, "下级组织的层级必须低于"),
        ("p1", Level.PRIMARY_COMMITTEE, "下级组织的层级必须低于"),
        ("p1", Level.PARTY_GROUP, "党小组只能设在党支部之下"),
        ("group_a1", Level.PARTY_GROUP, "党小组下不能再设下级组织"),
    ],
)
def test_create_refuses_a_level_not_below_the_parent(world, parent, level, message):
    """Levels: a child sits below its parent's level; a 党小组 only inside a 党支部. Nothing is created."""
    before = Organisation.objects.count()
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=getattr(world, parent), data=_data(level=level), by=SYSTEM)
    assert error.value.field == "level"
    assert message in error.value.message
    assert Organisation.objects.count() == before


def test_create_refuses_a_taken_code_whatever_its_case(world):
    """Organisation codes are unique across the portal ("a" clashes with "A")."""
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=world.p1, data=_data(code="a"), by=SYSTEM)
    assert error.value.field == "code"
    assert "已被其他党组织使用" in error.value.message


def test_create_refuses_a_future_founding_date(world):
    """A unit cannot be founded after today."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=world.p1, data=_data(founded_on=tomorrow), by=SYSTEM)
    assert error.value.field == "founded_on"


def test_create_refuses_an_unknown_choice(world):
    """Values outside the choices are a domain error, not a crash."""
    with pytest.raises(DomainError) as error:
        services.organisation_create(parent=world.p1, data=_data(domain="mars"), by=SYSTEM)
    assert error.value.field == "domain"


def test_update_changes_facts_but_not_the_place_in_the_tree(world):
    """Editing keeps the path; the own code is not a clash; the change is recorded."""
    path = world.branch_a.path
    services.organisation_update(
        organisation=world.branch_a, data={"name": "甲党支部（新）", "code": "A", "domain": Domain.RURAL}, by=SYSTEM
    )
    branch = Organisation.objects.get(pk=world.branch_a.pk)
    assert (branch.name, branch.domain, branch.path) == ("甲党支部（新）", Domain.RURAL, path)
    assert branch.history.count() == 2


def test_update_refuses_a_level_at_or_below_a_child(world):
    """A unit with sub-units must stay above all of them: branch A (with a 党小组) cannot become a 党小组."""
    with pytest.raises(DomainError) as error:
        services.organisation_update(organisation=world.p1, data={"level": Level.BRANCH}, by=SYSTEM)
    assert error.value.field == "level"
    assert Organisation.objects.get(pk=world.p1.pk).level == Level.PRIMARY_COMMITTEE


def test_update_may_move_a_level_within_the_bounds(world):
    """P2's only child is a branch, so P2 may become a 党总支 (still below the root, above the branch)."""
    services.organisation_update(organisation=world.p2, data={"level": Level.GENERAL_BRANCH}, by=SYSTEM)
    assert Organisation.objects.get(pk=world.p2.pk).level == Level.GENERAL_BRANCH


def test_update_refuses_another_units_code(world):
    with pytest.raises(DomainError) as error:
        services.organisation_update(organisation=world.branch_a, data={"code": "b"}, by=SYSTEM)
    assert error.value.field == "code"
    assert Organisation.objects.get(pk=world.branch_a.pk).code == "A"


# --- Who may change the tree --------------------------------------------------------------------------------------


def test_the_access_layer_provides_what_the_services_ask_of_their_caller(world):
    """`members.access.Scope` (and `SYSTEM`) is the `Actor` the organisation services declare."""
    assert isinstance(scope_for(world.secretary_a), Actor)
    assert isinstance(SYSTEM, Actor)


def test_a_caller_out_of_scope_is_refused_and_nothing_changes(world):
    """The services refuse a caller without the named permission: branch B's secretary cannot add a 党小组 to
    branch A or edit it, a secretary cannot add a top-level organisation or change a level, a reviewer edits
    nothing."""
    before = Organisation.objects.count()
    group = _data(code="G-NEW", level=Level.PARTY_GROUP)
    with pytest.raises(NotPermitted):
        services.organisation_create(parent=world.branch_a, data=group, by=scope_for(world.secretary_b))
    with pytest.raises(NotPermitted):
        services.organisation_create(
            parent=None, data=_data(level=Level.SUPERIOR_COMMITTEE), by=scope_for(world.secretary_a)
        )
    with pytest.raises(NotPermitted):
        services.organisation_update(organisation=world.branch_a, data={"name": "改"}, by=scope_for(world.reviewer))
    with pytest.raises(NotPermitted):
        services.organisation_update(
            organisation=world.group_a1, data={"level": Level.BRANCH}, by=scope_for(world.secretary_a)
        )
    assert Organisation.objects.count() == before
    assert Organisation.objects.get(pk=world.branch_a.pk).name == world.branch_a.name
    created = services.organisation_create(parent=world.branch_a, data=group, by=scope_for(world.secretary_a))
    assert Organisation.objects.get_parent(created) == world.branch_a


def test_two_editors_of_one_organisation_keep_the_first_change(client, world):
    """Nothing lost: of two people editing the same organisation from the same page version, the first save stays
    and the second is refused with a message (the edit form carries the version it showed)."""
    from django.urls import reverse

    from tests.branches.access_cases import _organisation_data

    url = reverse("branches:edit", args=[world.branch_a.pk])
    client.force_login(world.secretary_a)
    page = client.get(url)
    shown = page.context["form"].initial["version"]
    first = _organisation_data(world.branch_a, name="甲党支部（先存）", version=shown)
    second = _organisation_data(world.branch_a, name="甲党支部（后存）", version=shown)
    assert client.post(url, first).status_code == 302
    client.force_login(world.admin)
    response = client.post(url, second)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    world.branch_a.refresh_from_db()
    assert world.branch_a.name == "甲党支部（先存）" and world.branch_a.version == shown + 1
