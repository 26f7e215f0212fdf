# Each entry: URL name -> function(world) returning a list of Case.
# Case(kwargs, allowed) : `allowed` maps role -> expected status for GET, roles:
#   "anonymous", "member", "secretary_a", "secretary_b", "reviewer", "admin".
# Missing roles default to 404 (anonymous defaults to 302 to login).
from tests.matrix import Case

#: Who reads what in the world: the reviewer reads P1's subtree, each secretary their branch and its groups.
_READ_ROOT = {"admin": 200}
_READ_P1 = {"reviewer": 200, "admin": 200}
_READ_A = {"secretary_a": 200, "reviewer": 200, "admin": 200}
_READ_B = {"secretary_b": 200, "admin": 200}
_MANAGE_A = {"secretary_a": 200, "admin": 200}
_MANAGE_B = {"secretary_b": 200, "admin": 200}
_EVERYONE = {"member": 200, "secretary_a": 200, "secretary_b": 200, "reviewer": 200, "admin": 200}


def _organisation_data(organisation=None, **changes) -> dict:
    """The organisation form's fields as the page sends them (an organisation's own, or a new party group's)."""
    if organisation is None:
        data = {"name": "新党小组", "code": "NEW-GROUP", "level": "party_group", "domain": "state_enterprise"}
        data.update(form="single", founded_on="2024-03-01")
    else:
        data = {
            "name": organisation.name,
            "code": organisation.code,
            "level": organisation.level,
            "domain": organisation.domain,
            "form": organisation.form,
            "version": type(organisation).objects.get(pk=organisation.pk).version,
        }
    data.update(changes)
    return data


def _committee_data(holder) -> dict:
    from django.utils import timezone

    return {"elected_on": timezone.localdate().isoformat(), "secretary": holder.pk}


def _extension_data() -> dict:
    """An extension of the world's terms (elected 2025-01-10, ending 2028-01-10) by half a year, approved today."""
    from django.utils import timezone

    return {"extended_until": "2028-07-10", "extension_approved_on": timezone.localdate().isoformat()}


CASES = {
    # Everyone with a login is sent to their own page; no role sees the fallback message.
    "home": lambda w: [
        Case({}, {"member": 302, "secretary_a": 302, "secretary_b": 302, "reviewer": 302, "admin": 302}),
    ],
    # The list shows what the user may read; a member reads no organisation and gets the empty state.
    "branches:list": lambda w: [
        Case({}, _EVERYONE),
        Case({}, _EVERYONE, query="page=99"),
    ],
    "branches:detail": lambda w: [
        Case({"pk": w.root.pk}, _READ_ROOT),
        Case({"pk": w.p1.pk}, _READ_P1),
        Case({"pk": w.branch_a.pk}, _READ_A),
        Case({"pk": w.group_a1.pk}, _READ_A),
        Case({"pk": w.branch_b.pk}, _READ_B),
        Case({"pk": w.branch_a.pk}, _READ_A, query="page=abc"),
    ],
    "branches:history": lambda w: [
        Case({"pk": w.p1.pk}, _READ_P1),
        Case({"pk": w.branch_a.pk}, _READ_A),
        Case({"pk": w.branch_b.pk}, _READ_B),
    ],
    "branches:create_root": lambda w: [
        Case({}, {"admin": 200}),
        Case({}, {"admin": 302}, method="post", data=lambda: _organisation_data(level="superior_committee")),
        Case({}, {"admin": 200}, method="post", data={"name": ""}),
    ],
    # A secretary adds party groups to their own branch; only admins add units above a branch.
    "branches:create": lambda w: [
        Case({"pk": w.branch_a.pk}, _MANAGE_A),
        Case({"pk": w.branch_b.pk}, _MANAGE_B),
        Case({"pk": w.p1.pk}, {"admin": 200}),
        # Nothing can be added under a party group.
        Case({"pk": w.group_a1.pk}, {}),
        Case({"pk": w.branch_a.pk}, {"secretary_a": 302, "admin": 302}, method="post", data=_organisation_data),
        Case({"pk": w.branch_b.pk}, {"secretary_b": 302, "admin": 302}, method="post", data=_organisation_data),
        # Bad input comes back with the form; nothing is saved.
        Case({"pk": w.branch_a.pk}, _MANAGE_A, method="post", data={"name": "", "code": "A"}),
        Case({"pk": w.p1.pk}, {"admin": 302}, method="post", data=lambda: _organisation_data(level="branch")),
    ],
    "branches:edit": lambda w: [
        Case({"pk": w.branch_a.pk}, _MANAGE_A),
        Case({"pk": w.group_a1.pk}, _MANAGE_A),
        Case({"pk": w.branch_b.pk}, _MANAGE_B),
        Case({"pk": w.p1.pk}, {"admin": 200}),
        Case({"pk": w.root.pk}, {"admin": 200}),
        Case(
            {"pk": w.branch_a.pk},
            {"secretary_a": 302, "admin": 302},
            method="post",
            data=lambda: _organisation_data(w.branch_a, name="甲党支部（改）"),
        ),
        Case(
            {"pk": w.branch_b.pk},
            {"secretary_b": 302, "admin": 302},
            method="post",
            data=lambda: _organisation_data(w.branch_b, name="乙党支部（改）"),
        ),
        Case({"pk": w.p1.pk}, {"admin": 302}, method="post", data=lambda: _organisation_data(w.p1, name="改名")),
    ],
    # Committee elections are recorded for branches, general branches and committees by their managers (a 基层党委's
    # by the admin here: nobody holds a post in P1's or the root's committee); a party group has no committee.
    "branches:committee": lambda w: [
        Case({"pk": w.branch_a.pk}, _MANAGE_A),
        Case({"pk": w.branch_b.pk}, _MANAGE_B),
        Case({"pk": w.p1.pk}, {"admin": 200}),
        Case({"pk": w.group_a1.pk}, {}),
        Case({"pk": w.p1.pk}, {"admin": 302}, method="post", data=lambda: _committee_data(w.secretary_a_member)),
        Case(
            {"pk": w.branch_a.pk},
            {"secretary_a": 302, "admin": 302},
            method="post",
            data=lambda: _committee_data(w.secretary_a_member),
        ),
        Case(
            {"pk": w.branch_b.pk},
            {"secretary_b": 302, "admin": 302},
            method="post",
            data=lambda: _committee_data(w.secretary_b_member),
        ),
        Case({"pk": w.branch_a.pk}, _MANAGE_A, method="post", data={"elected_on": "2999-01-01"}),
    ],
    # An approved extension of the current term, by the same managers; no current term (P1): nothing to extend.
    "branches:committee_extend": lambda w: [
        Case({"pk": w.branch_a.pk}, _MANAGE_A),
        Case({"pk": w.branch_b.pk}, _MANAGE_B),
        Case({"pk": w.p1.pk}, {}),
        Case({"pk": w.group_a1.pk}, {}),
        Case({"pk": w.branch_a.pk}, {"secretary_a": 302, "admin": 302}, method="post", data=_extension_data),
        Case({"pk": w.branch_b.pk}, {"secretary_b": 302, "admin": 302}, method="post", data=_extension_data),
        Case({"pk": w.branch_a.pk}, _MANAGE_A, method="post", data={"extended_until": "2999-01-01"}),
    ],
}

EXEMPT: dict[str, str] = {}
