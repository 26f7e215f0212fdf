"""The access matrix's vocabulary: which status each role gets on each URL."""

from collections.abc import Callable
from dataclasses import dataclass, field

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
