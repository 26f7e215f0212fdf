"""What the content security policy refuses, found in a page's markup: inline script, a style element, a style
attribute, an event-handler attribute. The access matrix checks every page it opens with `inline_code`."""

import re
from html.parser import HTMLParser

#: Scripts the browser does not run (data blocks such as `json_script`'s) are allowed inline.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and (names.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, _value in attrs:
            if name == "style" or re.fullmatch(r"on[a-z]+", name):
                self.found.append(f'{name}="…" on <{tag}> at line {self.getpos()[0]}')


def inline_code(response) -> list[str]:
    """What in an HTML response the policy would block (nothing for other content types)."""
    if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return []
    finder = _Finder()
    finder.feed(response.content.decode(errors="replace"))
    return finder.found
