"""The access matrix's vocabulary: which status each role gets on each URL, and every URL name of the project."""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

import tests

ROLES = ("anonymous", "member", "secretary_a", "secretary_b", "reviewer", "admin")


@dataclass
class Case:
    """One request to a URL and the status each role expects (others 404, anonymous a login redirect)."""

    kwargs: dict
    allowed: dict[str, int]
    method: str = "get"
    data: dict | Callable[[], dict] | None = None
    query: str = ""
    denied_status: int = 404
    anonymous_status: int = 302

    def expected(self, role: str) -> int:
        if role in self.allowed:
            return self.allowed[role]
        if role == "anonymous":
            return self.anonymous_status
        return self.denied_status

    def payload(self) -> dict:
        if callable(self.data):
            return self.data()
        return dict(self.data or {})


@dataclass
class Exempt:
    reason: str
    names: tuple[str, ...] = field(default_factory=tuple)


#: Pages anyone may open, or that hold no data: the login flow, health check, language switch, the admin site
#: (Django's own permission checks; tested in tests/test_admin.py).
EXEMPT = {
    "login": "the login page is public",
    "logout": "POST-only; ends the user's own session",
    "healthz": "health check, no data",
    "language_switch": "sets a cookie, no data",
    "password_change": "the user's own password; requires a login (tests/test_accounts.py)",
    "password_change_done": "confirmation page of the user's own password change",
}


def _names(resolver: URLResolver, namespace: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(_names(pattern, ns))
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(namespace + pattern.name)
    return names


def url_names() -> list[str]:
    """Every named URL pattern of the project, with its namespace (the admin site's aside)."""
    return _names(get_resolver())


def load_cases() -> tuple[dict, dict]:
    """The cases of every app's tests/<app>/access_cases.py, and the exempt URLs with their reasons."""
    cases: dict = {}
    exempt: dict = dict(EXEMPT)
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            found = importlib.import_module(f"tests.{module.name}.access_cases")
        except ModuleNotFoundError:
            continue
        cases.update(getattr(found, "CASES", {}))
        exempt.update(getattr(found, "EXEMPT", {}))
    return cases, exempt


def view_of(name: str):
    """The view of a URL name: its class for a class-based view, else the function."""
    namespace, _sep, short = name.rpartition(":")
    resolver = get_resolver()
    for part in filter(None, namespace.split(":")):
        resolver = resolver.namespace_dict[part][1]
    for pattern in resolver.url_patterns:
        if getattr(pattern, "name", None) == short and hasattr(pattern, "callback"):
            return getattr(pattern.callback, "view_class", pattern.callback)
    raise LookupError(name)


def takes_post(name: str) -> bool:
    """Whether the view of a URL name answers POST (a write URL)."""
    view = view_of(name)
    if not isinstance(view, type):
        return True  # a function view may take anything
    return "post" in view.http_method_names and hasattr(view, "post")
