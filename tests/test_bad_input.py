"""Bad input never breaks the portal.

Nothing here lists a form or a parameter: every URL name of the project is opened (with the objects its access
cases point at, as a role allowed to use it), every <form> on the pages it answers with is read, and each field of
each form is sent, in turn, every value of tests/bad_input.py for its kind, the other fields keeping the page's own
values. Query parameters are found the same way, in the page's GET forms, its links and its access cases. A new form,
field or parameter is tried as soon as a page shows it.

Expected, for every request: no server error; the corpus's markup never comes back as markup (in the answer nor in the
page a redirect leads to); a POST answered with the form again (200) saved nothing, and a value the portal must
refuse is never saved (tests/fingerprint.py compares every table and the uploaded files before and after). Each
request runs in a transaction rolled back after it, so the next starts from the same data.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests import bad_input
from tests.bad_input import Try
from tests.fingerprint import FILES, changed, files, fingerprint
from tests.matrix import ROLES, Case, load_cases, takes_post, url_names, view_of
from tests.page_forms import Field, Form, forms_in, links_in

pytestmark = pytest.mark.django_db

CASES = load_cases()[0]
NAMES = sorted(url_names())
#: Fields no user types: Django's CSRF token.
NOT_INPUT = {"csrfmiddlewaretoken"}
#: Ids an address may carry that point at nothing.
ODD_IDS = (0, 2**31, 2**63, 10**30)


@dataclass
class Page:
    role: str
    url: str
    html: str


class Trial:
    """The clients of one URL name's test, and the problems found."""

    def __init__(self, name: str, world):
        self.name = name
        self.world = world
        self.clients: dict[str, Client] = {}
        self.problems: list[str] = []
        self._tables: dict | None = None

    def client(self, role: str) -> Client:
        if role not in self.clients:
            client = Client()
            user = self.world.users()[role]
            if user is not None:
                client.force_login(user)  # writes the user's last login: the tables are looked at again
                self._tables = None
            self.clients[role] = client
        return self.clients[role]

    def before(self) -> dict:
        """The fingerprint before a request: the tables' as they were at the last full look (every request is rolled
        back), the files' as they are now (files written by an accepted upload stay after the rollback)."""
        if self._tables is None:
            self._tables = fingerprint()
        return {**self._tables, FILES: files()}

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)


def _view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def _text(response) -> str:
    kind = response.get("Content-Type", "")
    if not (kind.startswith("text/html") or "json" in kind):
        return ""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _local_redirect(response) -> str | None:
    if response.status_code not in (301, 302, 303):
        return None
    location = response.get("Location", "")
    parts = urlsplit(location)
    if parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Outcome:
    status: int = 0
    body: str = ""
    later: str = ""  # the page a redirect leads to
    error: str = ""
    saved: list | None = None  # the tables (and "<uploaded files>") a POST changed


def _send(trial: Trial, role: str, method: str, url: str, data=None, *, watch: bool = False, follow=True) -> Outcome:
    """One request in a transaction rolled back after it (with, for a POST, the tables it changed, and the page a
    redirect leads to when `follow`)."""
    client = trial.client(role)
    outcome = Outcome()
    before = trial.before() if watch else None
    try:
        with transaction.atomic():
            if method == "post":
                response = client.post(url, data or {})
            else:
                response = client.get(url, data or {})
            outcome.status = response.status_code
            outcome.body = _text(response)
            if watch:
                outcome.saved = changed(before, fingerprint())
            target = _local_redirect(response) if follow else None
            if target:
                outcome.later = _text(client.get(target))
            transaction.set_rollback(True)
    except Exception as exc:  # the test client re-raises what the view raised: a server error
        outcome.status = 500
        outcome.error = f"{type(exc).__name__}: {str(exc)[:160]}"
    return outcome


# --- Finding the pages and their forms -----------------------------------------------------------------------------


def _cases(trial: Trial) -> list[Case]:
    if trial.name in CASES:
        return CASES[trial.name](trial.world)
    # An exempt URL (login, password change, language): no object, open to whoever gets it.
    return [Case({}, {"anonymous": 200, "member": 200})]


def _readers(case: Case) -> list[str]:
    """The roles that may get the page: the first one and, when it sees more, an admin (both of an exempt page's
    candidates, anonymous and a member, as either may be the one it answers)."""
    roles = [role for role in ROLES if case.expected(role) == 200]
    if len(roles) <= 2:
        return roles
    return roles[:1] + (["admin"] if "admin" in roles[1:] else [])


def _pages(trial: Trial, cases: list[Case]) -> list[Page]:
    pages = []
    for case in cases:
        url = reverse(trial.name, kwargs=case.kwargs) + (f"?{case.query}" if case.query else "")
        if case.method == "get":
            for role in _readers(case):
                response = trial.client(role).get(url)
                if response.status_code == 200:
                    pages.append(Page(role, url, _text(response)))
        else:
            # A form answered with a page (the form again, or the next step of a flow such as the import preview).
            roles = [role for role in ROLES if case.expected(role) == 200]
            if roles:
                response = trial.client(roles[0]).post(url, case.payload())
                if response.status_code == 200:
                    pages.append(Page(roles[0], url, _text(response)))
    return pages


def _sibling_pages(trial: Trial) -> list[Page]:
    """The pages of the other URLs of the same app, where the form of a POST-only URL is shown."""
    namespace = trial.name.rpartition(":")[0]
    pages = []
    for other in NAMES:
        if other == trial.name or other.rpartition(":")[0] != namespace:
            continue
        sibling = Trial(other, trial.world)
        sibling.clients = trial.clients
        cases = [c for c in _cases(sibling) if c.method == "get"][:1]
        pages += _pages(sibling, cases)
    return pages


def _normal(name: str) -> str:
    """A field name with its ids taken out: state_12 and state_13 are the same field of different people."""
    return re.sub(r"\d+", "#", name)


def _forms(trial: Trial, pages: list[Page]) -> list[tuple[Page, Form]]:
    found, seen = [], set()
    for page in pages:
        for form in forms_in(page.html, page.url):
            if _view_name(form.action) != trial.name:
                continue
            key = (form.method, tuple(sorted({(_normal(n), f.kind) for n, f in form.fields.items()})))
            if key not in seen:
                seen.add(key)
                found.append((page, form))
    return found


# --- Forms ---------------------------------------------------------------------------------------------------------


def _filled(form: Form) -> dict:
    """The page's values, with required fields the page leaves empty filled in as a user would."""
    data = {name: values for name, values in form.data().items() if name not in NOT_INPUT}
    for name, f in form.fields.items():
        if data.get(name, [""]) != [""] or f.disabled or f.kind == "file":
            continue
        if f.kind in ("checkbox", "radio") and f.options and (f.required or f.multiple or len(f.options) > 1):
            data[name] = [f.options[0]] if f.kind == "checkbox" else f.options[0]
        elif f.required and f.kind in bad_input.TEXT_KINDS:
            data[name] = ["测试"]
    return data


def _payload(data: dict, f: Field, attempt: Try) -> dict:
    sent = dict(data)
    value = attempt.value() if callable(attempt.value) else attempt.value
    sent[f.name] = value
    for other, other_value in attempt.with_fields.items():
        sent[other] = other_value
    return sent


def _check_form(trial: Trial, page: Page, form: Form) -> None:
    base = _filled(form) if form.method == "post" else form.data()
    id_number = _id_number_of(trial.world.member_a)
    tried, once = set(), set()
    for name, f in form.fields.items():
        # Selects offering the same choices (host, recorder, lecturer) are one kind of field: tried once.
        same = ("choices", f.kind, tuple(f.options)) if len(f.options) > 2 else _normal(name)
        if name in NOT_INPUT or same in tried:
            continue
        tried.add(same)
        attempts = bad_input.tries_for(f)
        if form.method == "get" and f.kind in bad_input.TEXT_KINDS:
            attempts.append(Try(id_number, refuse=False, label="a member's ID number"))
        for attempt in attempts:
            if attempt.once:
                if (f.kind, attempt.label) in once:
                    continue
                once.add((f.kind, attempt.label))
            data = _payload(base, f, attempt)
            where = f"{form.method.upper()} {form.action} {name}={attempt.label} as {page.role}"
            # A redirect is followed when what was sent may show on the next page.
            follow = f.kind == "file" or bad_input.MARKUP in str(attempt.value)
            if form.method == "get":
                outcome = _send(trial, page.role, "get", urlsplit(form.action).path, data, follow=follow)
                if attempt.value == id_number:
                    _check_id_number_links(trial, where, outcome, id_number, urlsplit(form.action).path)
            else:
                outcome = _send(trial, page.role, "post", form.action, data, watch=True, follow=follow)
            _judge(trial, where, outcome, attempt=attempt, field=f)


def _judge(trial: Trial, where: str, outcome: Outcome, *, attempt: Try | None = None, field: Field | None = None):
    if outcome.status >= 500:
        trial.problem(f"{where}: server error {outcome.error}")
        return
    if bad_input.unescaped(outcome.body) or bad_input.unescaped(outcome.later):
        trial.problem(f"{where}: markup shown unescaped")
    if outcome.saved is None:
        return
    if outcome.status == 200 and outcome.saved:
        trial.problem(f"{where}: answered with the page again (200) but saved {outcome.saved}")
    elif attempt is not None and attempt.refuse and outcome.saved:
        trial.problem(f"{where}: accepted ({outcome.status}) and saved {outcome.saved}")
    if attempt is not None and attempt.at_field and outcome.status == 200 and field is not None:
        shown = [f for form in forms_in(outcome.body, "/") for n, f in form.fields.items() if n == field.name]
        if shown and not any(f.invalid for f in shown):
            trial.problem(f"{where}: refused, but not at the field {field.name}")


# --- Query parameters ----------------------------------------------------------------------------------------------


PROJECT_PACKAGES = ("branches", "members", "meetings", "evaluations", "notifications", "config")


def _read_in_code(name: str) -> set[str]:
    """The query parameters the view reads: request.GET.get("x") and request.GET["x"] in its classes and in the
    functions of their modules it calls, and the fields of the forms and filters it hands request.GET to."""
    import ast
    import inspect
    import sys
    import textwrap

    import django_filters
    from django import forms as django_forms

    view = view_of(name)
    parts = [c for c in getattr(view, "__mro__", [view]) if c.__module__.split(".")[0] in PROJECT_PACKAGES]
    todo = [(inspect.getsource(part), sys.modules[part.__module__]) for part in parts]
    sources, seen = [], set()
    while todo:
        source, module = todo.pop()
        sources.append(source)
        tree = ast.parse(textwrap.dedent(source))
        for called in {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}:
            target = getattr(module, called, None)
            if target is None or (module.__name__, called) in seen:
                continue
            seen.add((module.__name__, called))
            if inspect.isfunction(target) and target.__module__ == module.__name__:
                todo.append((inspect.getsource(target), module))
            elif isinstance(target, type) and re.search(rf"\b{called}\(\s*(\w+\.)?request\.GET", source):
                if issubclass(target, django_filters.FilterSet):
                    sources.append(" ".join(f'GET["{key}"]' for key in target.base_filters))
                elif issubclass(target, django_forms.BaseForm):
                    sources.append(" ".join(f'GET["{key}"]' for key in target.base_fields))
    text = "\n".join(sources)
    return set(re.findall(r"GET(?:\.get|\.getlist)?[\[(]\s*[\"'](\w+)", text))


def _parameters(trial: Trial, pages: list[Page], covered: set[str]) -> dict[str, tuple[str, str, str]]:
    """Each query parameter of the URL with (role, path, the page's own value), from the cases' addresses, the
    page's links and the view's code; those of the page's GET forms (`covered`) are tried with the form."""
    found: dict[str, tuple[str, str, str]] = {}
    if pages:
        page = pages[0]
        for key in _read_in_code(trial.name) - covered:
            found[key] = (page.role, urlsplit(page.url).path, "")
    for page in pages:
        path = urlsplit(page.url).path
        sources = [parse_qsl(urlsplit(page.url).query, keep_blank_values=True)]
        for link in links_in(page.html, page.url):
            if "?" in link and _view_name(link) == trial.name:
                sources.append(parse_qsl(urlsplit(link).query, keep_blank_values=True))
        for pairs in sources:
            for key, value in pairs:
                if key not in NOT_INPUT | covered and (key not in found or (value and not found[key][2])):
                    found[key] = (page.role, path, value)
    return found


def _id_number_of(member) -> str:
    from members import crypto

    return crypto.decrypt(member.id_number_encrypted)


def _check_id_number_links(trial: Trial, where: str, outcome: Outcome, id_number: str, path: str) -> None:
    """A search that found a member by ID number does not carry the number on into the page's links."""
    if outcome.status == 200 and trial.world.member_a.name in outcome.body:
        leaking = [link for link in links_in(outcome.body, path) if id_number in link]
        if leaking:
            trial.problem(f"{where}: found the member and carries the ID number on in links such as {leaking[0]}")


def _check_parameters(trial: Trial, pages: list[Page], covered: set[str]) -> None:
    id_number = _id_number_of(trial.world.member_a)
    for key, (role, path, own) in _parameters(trial, pages, covered).items():
        for value in [*bad_input.query_values(own), id_number]:
            where = f"GET {path}?{key}={value[:30]!r} as {role}"
            outcome = _send(trial, role, "get", f"{path}?{urlencode({key: value})}")
            _judge(trial, where, outcome)
            if value == id_number:
                _check_id_number_links(trial, where, outcome, id_number, path)


# --- Ids in the address --------------------------------------------------------------------------------------------


def _check_ids(trial: Trial, cases: list[Case]) -> None:
    """Each id of the address replaced by one that points at nothing (0, 2^31, 2^63, 10^30): 404, never a 500."""
    done = set()
    methods = ["get", "post"] if takes_post(trial.name) else ["get"]
    for case in cases:
        keys = tuple(sorted(case.kwargs))
        roles = [role for role in ROLES if case.expected(role) in (200, 302, 405) and role != "anonymous"]
        if not keys or keys in done or not roles:
            continue
        done.add(keys)
        for key in keys:
            odd = ODD_IDS if isinstance(case.kwargs[key], int) else (bad_input.MARKUP.replace("/", ""), "长" * 300)
            for value in odd:
                url = reverse(trial.name, kwargs={**case.kwargs, key: value})
                for method in methods:
                    outcome = _send(trial, roles[0], method, url, watch=method == "post")
                    where = f"{method.upper()} {url} as {roles[0]}"
                    _judge(trial, where, outcome)
                    # A GET of a POST-only page may be refused for its method before the id is looked at.
                    expected = (404, 405) if method == "get" else (404,)
                    if outcome.status not in expected and outcome.status < 500:
                        trial.problem(f"{where}: {outcome.status}, expected 404")


@pytest.mark.parametrize("name", NAMES)
def test_bad_input_is_refused_quietly(name, world, settings):
    """Every form field and query parameter of the page, sent every bad value of its kind: no server error, no
    markup shown as markup, nothing saved from a refused form."""
    settings.PHOTO_MAX_BYTES = settings.ATTACHMENT_MAX_BYTES = bad_input.UPLOAD_CAP
    trial = Trial(name, world)
    cases = _cases(trial)
    pages = _pages(trial, cases)
    forms = _forms(trial, pages)
    if not forms and takes_post(name):
        forms = _forms(trial, _sibling_pages(trial))
    for page, form in forms:
        _check_form(trial, page, form)
    covered = {n for _page, form in forms if form.method == "get" for n in form.fields}
    _check_parameters(trial, pages, covered)
    _check_ids(trial, cases)
    assert not trial.problems, "\n".join(trial.problems)


# --- Text saved earlier, shown everywhere --------------------------------------------------------------------------

#: The apps whose rows are filled with the corpus's text (besides the users' names).
PROJECT_APPS = ("branches", "members", "meetings", "evaluations", "notifications")
#: Text columns that are not free text: what they hold is looked up, parsed or decrypted (a place in the tree, a
#: login, an encrypted number and its index, a notice's key, claim and link, a channel or purpose code, a stored
#: file's type, the name of the field an amendment corrects, reminder offsets, simple_history's change type).
NOT_FREE_TEXT = {
    "path", "username", "password", "id_number_encrypted", "id_number_index", "key", "claim", "link", "channel",
    "purpose", "content_type", "field", "offsets", "history_type",
}  # fmt: skip
STORED = bad_input.TEXT
STORED_SHORT = "=<fz-x></fz-x>"


def _stored_text(max_length: int | None) -> str | None:
    """The corpus's formula and markup, filled up to the column's length (a long name is bad input too)."""
    if max_length is None:
        return STORED + "\n" + "名" * 2000
    for text in (STORED, STORED_SHORT):
        if len(text) <= max_length:
            return text + "名" * (max_length - len(text))
    return None


def _fill_free_text() -> None:
    """Every row's free-text columns hold the corpus's text, as if every user had typed it into every field."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import models

    project_models = [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]
    for model in [get_user_model(), *project_models]:
        values = {}
        for f in model._meta.concrete_fields:
            if (
                isinstance(f, models.CharField | models.TextField)
                and not f.choices
                and not f.unique
                and f.name not in NOT_FREE_TEXT
            ):
                text = _stored_text(f.max_length)
                if text is not None:
                    values[f.attname] = text
        if values:
            model._base_manager.update(**values)


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _download_name(header: str) -> str | None:
    from urllib.parse import unquote

    if match := re.search(r"filename\*=utf-8''([^;]+)", header, re.IGNORECASE):
        return unquote(match.group(1))
    if match := re.search(r'filename="((?:[^"\\]|\\.)*)"', header):
        return re.sub(r"\\(.)", r"\1", match.group(1))
    return None


def _formulas(content: bytes) -> list[str]:
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}: {str(cell.value)[:40]}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def _check_shown(trial: Trial, where: str, response) -> None:
    kind = response.get("Content-Type", "")
    content = _content(response)
    shown = content.decode("utf-8", "replace") if kind.startswith("text/html") or "json" in kind else ""
    if bad_input.unescaped(shown):
        trial.problem(f"{where}: markup shown unescaped")
    if "spreadsheetml" in kind:
        formulas = _formulas(content)
        if formulas:
            trial.problem(f"{where}: text saved by users became formulas, e.g. {formulas[:2]}")
    disposition = response.get("Content-Disposition", "")
    if disposition:
        name = _download_name(disposition)
        if name is None:
            trial.problem(f"{where}: a download without a readable file name: {disposition[:80]}")
        elif re.search(r"[/\\\x00-\x1f]", name) or len(name.encode()) > 255:
            trial.problem(f"{where}: download name {name[:60]!r}… ({len(name.encode())} bytes) is not a file name")


@pytest.mark.parametrize("name", sorted(CASES))
def test_saved_text_is_shown_as_text(name, world):
    """With markup and spreadsheet formulas in every free-text column (filled to its length), every page, download
    and export shows them as text: no server error, no markup, no formula cell, and download names that are file
    names (no path separators or control characters, at most 255 bytes)."""
    trial = Trial(name, world)
    cases = [case for case in _cases(trial) if case.method == "get"]
    _fill_free_text()
    for case in cases:
        url = reverse(name, kwargs=case.kwargs) + (f"?{case.query}" if case.query else "")
        for role in [*_readers(case)[:1], *(["anonymous"] if case.anonymous_status == 200 else [])]:
            where = f"GET {url} as {role}"
            try:
                response = trial.client(role).get(url)
            except Exception as exc:
                trial.problem(f"{where}: server error {type(exc).__name__}: {str(exc)[:160]}")
                continue
            if response.status_code >= 500:
                trial.problem(f"{where}: server error {response.status_code}")
            _check_shown(trial, where, response)
    assert not trial.problems, "\n".join(trial.problems)
