"""Searching by ID number never puts the number in an address (the access log, the history, a proxy's log):
the roster's and the admin's search boxes post, the number becomes a token of the session, and searching still
finds the member. Searching by name stays a plain GET."""

import io
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from members import crypto, id_search, spreadsheets
from members.models import IdNumberAccess
from tests.factories import MemberFactory, make_id_number
from tests.members.test_excel import _content

pytestmark = pytest.mark.django_db

LINK = re.compile(r"""(?:href|action|src)="([^"]*)\"""")


@pytest.fixture
def person(world):
    number = make_id_number(date(1988, 1, 2), seq=556)
    member = MemberFactory(name="欧阳明", organisation=world.branch_a, id_number=number, birth_date=date(1988, 1, 2))
    return member, number


def _no_number_in_addresses(response, number: str) -> None:
    """Neither a redirect of the response nor any link, form address or hidden field of its page holds the number."""
    for url, _status in getattr(response, "redirect_chain", []):
        assert number not in url
    assert number not in response.wsgi_request.get_full_path()
    html = response.content.decode()
    assert number not in html, "the full number is nowhere on the page"
    for link in LINK.findall(html):
        assert number not in link


def _names(response) -> list[str]:
    return [m.name for m in response.context["members"]]


def _export_rows(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(_content(response))).worksheets[0].iter_rows(min_row=2, values_only=True))


def test_roster_search_by_id_number_goes_through_a_token(client, world, person):
    """Posting an ID number redirects to ?idq=<token>; the page lists the member, shows the number masked, and its
    links (sorting, export) carry only the token."""
    member, number = person
    client.force_login(world.secretary_a)
    response = client.post(reverse("members:list"), {"q": number, "status": "", "csrfmiddlewaretoken": "x"})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert set(query) == {"idq"} and number not in response["Location"]

    page = client.get(response["Location"])
    assert _names(page) == ["欧阳明"]
    _no_number_in_addresses(page, number)
    html = page.content.decode()
    assert member.id_number_masked in html
    assert f"{reverse('members:export')}?idq={query['idq'][0]}" in html
    assert number not in str(dict(client.session))  # the session keeps the blind index, never the number


def test_lower_case_x_and_spaces_are_found_too(client, world):
    """The number is normalised before its blind index is taken."""
    number = next(n for seq in range(700, 720) if (n := make_id_number(date(1979, 1, 9), seq=seq)).endswith("X"))
    MemberFactory(name="带X号码", organisation=world.branch_a, id_number=number, birth_date=date(1979, 1, 9))
    client.force_login(world.secretary_a)
    response = client.post(reverse("members:list"), {"q": f" {number[:6]} {number[6:].lower()} "}, follow=True)
    assert _names(response) == ["带X号码"]


def test_name_search_stays_a_get_address(client, world, person):
    """A name posted in the search box lands on ?q=<name>, and that address works by itself."""
    client.force_login(world.secretary_a)
    response = client.post(reverse("members:list"), {"q": "欧阳", "ordering": "name", "page": "3"})
    assert response["Location"] == reverse("members:list") + "?q=%E6%AC%A7%E9%98%B3&ordering=name"
    assert _names(client.get(reverse("members:list"), {"q": "欧阳"})) == ["欧阳明"]


def test_an_id_number_typed_into_the_address_is_moved_out_of_it(client, world, person):
    """A GET with ?q=<number> (an old bookmark) redirects to the token address, keeping the other filters."""
    _member, number = person
    client.force_login(world.secretary_a)
    response = client.get(reverse("members:list"), {"q": number, "status": "full"}, follow=True)
    assert len(response.redirect_chain) == 1
    assert set(parse_qs(urlsplit(response.redirect_chain[0][0]).query)) == {"idq", "status"}
    assert _names(response) == ["欧阳明"]
    _no_number_in_addresses(response, number)


def test_changing_a_filter_keeps_the_id_search_and_a_new_text_ends_it(client, world, person):
    """The page's form carries the token: a filter posted with it keeps the ID search; a new search text ends it."""
    _member, number = person
    client.force_login(world.secretary_a)
    token = parse_qs(urlsplit(client.post(reverse("members:list"), {"q": number})["Location"]).query)["idq"][0]
    kept = client.post(reverse("members:list"), {"q": "", "idq": token, "status": "full"}, follow=True)
    assert _names(kept) == ["欧阳明"]
    assert f'name="idq" value="{token}"' in kept.content.decode()
    replaced = client.post(reverse("members:list"), {"q": "张", "idq": token})
    assert "idq" not in replaced["Location"]


def test_a_token_of_another_session_finds_nothing_and_says_so(client, world, person):
    """A token is worth nothing outside the session that made it: no member, and a note to search again."""
    _member, number = person
    client.force_login(world.secretary_a)
    address = client.post(reverse("members:list"), {"q": number})["Location"]
    other = Client()
    other.force_login(world.secretary_a)
    response = other.get(address)
    assert _names(response) == []
    assert "按身份证号查询已失效" in response.content.decode()


def test_a_session_keeps_only_its_latest_searches(client, world):
    """Old tokens stop working once a session has made MAX_SEARCHES newer ones."""
    session = {}
    first = id_search.id_search_start(session, make_id_number(date(1990, 1, 1), seq=600))
    for seq in range(id_search.MAX_SEARCHES):
        id_search.id_search_start(session, make_id_number(date(1990, 1, 1), seq=601 + seq))
    assert id_search.id_search_get(session, first) is None
    assert len(session[id_search.SESSION_KEY]) == id_search.MAX_SEARCHES


def test_full_id_export_is_a_post_whose_address_names_no_one(client, world, person):
    """The roster's "with full ID numbers" export is a form posting the page's filters (the token here) to the bare
    export address; the file holds the full number, and the export is logged."""
    member, number = person
    client.force_login(world.secretary_a)
    page = client.post(reverse("members:list"), {"q": number}, follow=True)
    html = page.content.decode()
    form = re.search(r'<form method="post" action="([^"]*)" data-testid="export-full-form">(.*?)</form>', html, re.S)
    assert form and form.group(1) == reverse("members:export")
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    assert fields["ids"] == "full" and "idq" in fields and number not in form.group(0)

    response = client.post(form.group(1), fields)
    assert response.status_code == 200
    assert response.wsgi_request.get_full_path() == reverse("members:export")
    rows = _export_rows(response)
    assert [(row[0], row[spreadsheets.HEADERS.index("身份证号")]) for row in rows] == [("欧阳明", number)]
    assert list(IdNumberAccess.objects.values_list("member", "purpose")) == [(member.pk, "export")]


def test_export_link_with_a_token_and_an_export_address_with_a_number(client, world, person):
    """The masked export link finds the member by token; an export address holding a number is redirected to one
    holding a token; a GET never gives full numbers."""
    _member, number = person
    client.force_login(world.secretary_a)
    address = client.get(reverse("members:export"), {"q": number, "ids": "full"})
    assert address.status_code == 302 and number not in address["Location"]
    response = client.get(address["Location"])
    rows = _export_rows(response)
    assert [row[0] for row in rows] == ["欧阳明"]
    assert number not in {row[spreadsheets.HEADERS.index("身份证号")] for row in rows}
    assert not IdNumberAccess.objects.exists()


# --- the Django admin ----------------------------------------------------------------------------------------------


def test_admin_search_by_id_number_goes_through_a_token(client, world, person):
    """The admin's member search box posts; an ID number becomes a session token, the list finds the member, and
    neither the address nor the page holds the number."""
    member, number = person
    client.force_login(world.admin)
    changelist = reverse("admin:members_member_changelist")
    page = client.get(changelist)
    assert f'method="post" action="{reverse("admin:members_member_search")}"' in page.content.decode()

    response = client.post(reverse("admin:members_member_search"), {"q": number, "status__exact": "full"}, follow=True)
    assert response.status_code == 200
    assert set(parse_qs(urlsplit(response.redirect_chain[-1][0]).query)) == {"idq", "status__exact"}
    assert [m.pk for m in response.context["cl"].result_list] == [member.pk]
    _no_number_in_addresses(response, number)
    assert member.id_number_masked in response.content.decode()


def test_admin_address_with_a_number_is_redirected_and_names_still_search(client, world, person):
    """A GET ?q=<number> on the admin list is moved to a token; a name search lands on ?q=<name> as before."""
    member, number = person
    client.force_login(world.admin)
    changelist = reverse("admin:members_member_changelist")
    moved = client.get(changelist, {"q": number}, follow=True)
    assert number not in moved.redirect_chain[-1][0]
    assert [m.pk for m in moved.context["cl"].result_list] == [member.pk]

    by_name = client.post(reverse("admin:members_member_search"), {"q": "欧阳", "p": "2"})
    assert by_name["Location"] == changelist + "?q=%E6%AC%A7%E9%98%B3"
    assert [m.pk for m in client.get(by_name["Location"]).context["cl"].result_list] == [member.pk]

    expired = client.get(changelist, {"idq": "not-a-token"})
    assert list(expired.context["cl"].result_list) == []


def test_admin_search_view_is_post_only_and_staff_only(client, world):
    """The search address answers only a POST, and only inside the admin."""
    url = reverse("admin:members_member_search")
    client.force_login(world.admin)
    assert client.get(url).status_code == 405
    client.force_login(world.secretary_a)
    response = client.post(url, {"q": "欧阳"})
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_a_token_keeps_the_blind_index_and_the_masked_form_only(person):
    """What a token stands for is the number's blind index and its masked form, nothing that gives the number back."""
    member, number = person
    session = {}
    token = id_search.id_search_start(session, number)
    assert id_search.id_search_get(session, token) == id_search.IdSearch(
        index=crypto.blind_index(number), masked=member.id_number_masked
    )
    assert number not in str(session)


@pytest.mark.parametrize("field", ["status", "organisation", "age", "mobile", "education", "ordering"])
def test_an_id_number_in_any_field_leaves_the_address(client, world, person, field):
    """An ID number typed into any parameter of the roster's address (not only the search text) is taken out of
    it: the roster redirects to its address without it, and no link on the page carries it."""
    _member, number = person
    client.force_login(world.secretary_a)
    response = client.get(reverse("members:list"), {field: number}, follow=True)
    assert response.status_code == 200
    _no_number_in_addresses(response, number)


def test_a_hostile_search_form_makes_a_bounded_address(client, world):
    """A posted search form with huge values and hundreds of fields is redirected to an address of bounded length
    (values cut at 200 characters, at most 40 fields), never a server error for a redirect too long."""
    client.force_login(world.secretary_a)
    data = {"q": "张" * 20_000, **{f"f{n}": "x" * 500 for n in range(900)}}
    response = client.post(reverse("members:list"), data)
    assert response.status_code == 302
    assert len(response["Location"]) < id_search.MAX_FIELDS * (id_search.MAX_VALUE_LENGTH * 9 + 20)
