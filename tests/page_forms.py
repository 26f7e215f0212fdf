"""The forms and links of a rendered page, read as a browser would (the standard library's html.parser).

`forms_in(html, page_url)` gives each <form> with its method, its action as an absolute path and every field a browser
would send, with its type, the page's own values, its choices and its limits (maxlength, min, max, accept).
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Field:
    """One named input of a form; radios and checkboxes of the same name form one field with `options`."""

    name: str
    kind: str  # the input type ("text", "date", …), or "select", "textarea"
    values: list[str] = field(default_factory=list)  # what the page sends for it (checked, selected or typed)
    options: list[str] = field(default_factory=list)  # the choices of a select, a radio group or a checkbox group
    multiple: bool = False
    required: bool = False
    disabled: bool = False
    maxlength: int | None = None
    min: str | None = None
    max: str | None = None
    accept: str = ""
    #: Marked invalid by the page (Bootstrap's "is-invalid" class): the page shows a problem at this field.
    invalid: bool = False


@dataclass
class Form:
    method: str  # "get" or "post"
    action: str  # absolute path, with the query string of the page when the form has no action
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)
    #: The first submit button's name and value, sent as a click would.
    submit: tuple[str, str] | None = None

    def data(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted as the page shows it."""
        sent = {name: list(f.values) for name, f in self.fields.items() if not f.disabled and f.values}
        if self.submit:
            sent[self.submit[0]] = [self.submit[1]]
        return sent

    def signature(self) -> tuple:
        """The form's field set: forms rendered with the same one on several objects are tried once."""
        return (self.method, tuple(sorted((name, f.kind) for name, f in self.fields.items())))


class _Parser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: dict | None = None
        self._textarea: Field | None = None

    def _add(self, item: Field, value: str | None, checked: bool) -> None:
        form = self._form
        if form is None or not item.name:
            return
        existing = form.fields.get(item.name)
        if item.kind in ("checkbox", "radio"):
            if existing is None:
                form.fields[item.name] = existing = item
            else:
                existing.multiple = item.kind == "checkbox"
            existing.options.append(value)
            if checked:
                existing.values.append(value)
            return
        if existing is None:
            form.fields[item.name] = item
        else:
            existing.values.extend(item.values)

    def handle_starttag(self, tag, attrs):
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page_url, a["href"]))
        elif tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=action,
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name", "")
            if kind in ("submit", "image"):
                if name and self._form.submit is None:
                    self._form.submit = (name, a.get("value", ""))
                return
            if kind in ("button", "reset") or not name:
                return
            item = Field(
                name=name,
                kind=kind,
                required="required" in a,
                disabled="disabled" in a,
                maxlength=int(a["maxlength"]) if a.get("maxlength", "").isdecimal() else None,
                min=a.get("min"),
                max=a.get("max"),
                accept=a.get("accept", ""),
                invalid="is-invalid" in a.get("class", "").split(),
            )
            if kind in ("checkbox", "radio"):
                self._add(item, a.get("value", "on"), "checked" in a)
            elif kind == "file":
                item.multiple = "multiple" in a
                self._add(item, None, False)
            else:
                item.values = [a.get("value", "")]
                self._add(item, None, False)
        elif tag == "select":
            self._select = Field(
                name=a.get("name", ""),
                kind="select",
                multiple="multiple" in a,
                required="required" in a,
                disabled="disabled" in a,
                invalid="is-invalid" in a.get("class", "").split(),
            )
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea":
            self._textarea = Field(
                name=a.get("name", ""),
                kind="textarea",
                values=[""],
                required="required" in a,
                disabled="disabled" in a,
                maxlength=int(a["maxlength"]) if a.get("maxlength", "").isdecimal() else None,
                invalid="is-invalid" in a.get("class", "").split(),
            )
        elif tag == "button" and (a.get("type") or "submit") == "submit" and a.get("name") and not self._form.submit:
            self._form.submit = (a["name"], a.get("value", ""))

    def _end_option(self) -> None:
        option, select = self._option, self._select
        if option is None or select is None:
            return
        value = option["value"] if option["value"] is not None else option["text"].strip()
        select.options.append(value)
        if option["selected"]:
            select.values.append(value)
        self._option = None

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea.values[0] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            select = self._select
            if not select.values and select.options and not select.multiple:
                select.values = [select.options[0]]  # a browser sends the first option when none is selected
            if self._form is not None and select.name:
                self._form.fields.setdefault(select.name, select)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            textarea = self._textarea
            # A browser drops the newline that directly follows <textarea>.
            if textarea.values[0].startswith("\n"):
                textarea.values[0] = textarea.values[0][1:]
            if self._form is not None and textarea.name:
                self._form.fields.setdefault(textarea.name, textarea)
            self._textarea = None
        elif tag == "form":
            self._form = None


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def forms_in(html: str, page_url: str) -> list[Form]:
    """Every form of the page; actions are absolute paths (with the query string)."""
    parser = _Parser("http://testserver" + page_url)
    parser.feed(html)
    parser.close()
    for form in parser.forms:
        form.action = _path(form.action)
    return parser.forms


def links_in(html: str, page_url: str) -> list[str]:
    """The targets of the page's links on this site, as absolute paths with their query strings."""
    parser = _Parser("http://testserver" + page_url)
    parser.feed(html)
    parser.close()
    return [_path(url) for url in parser.links if urlsplit(url).netloc == "testserver"]
