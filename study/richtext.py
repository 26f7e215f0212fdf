"""The one sanitiser of a task's content: safe formatting and links (http, https, mailto) only."""

import nh3

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote", "h3", "h4", "a"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def content_clean(html: str) -> str:
    """The content with every tag, attribute and link scheme outside the allowed ones removed; links get
    rel="noopener noreferrer nofollow". Only this output is stored and rendered."""
    return nh3.clean(
        html or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()
