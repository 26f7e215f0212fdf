"""The bad-input corpus: for each kind of field, the values a careless or hostile user sends.

`tries_for(field)` gives, for a field found on a page (tests/page_forms.py), the values to send in its place. A `Try`
with `refuse=True` is a value the portal must not save (a date out of range, a choice the page did not offer, a
string over the field's maxlength); the others (markup, SQL, a spreadsheet formula in a text field) may be saved but
must then be shown escaped everywhere.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.page_forms import Field

#: Markup that must never reach a page unescaped; `unescaped()` looks for its two tags.
MARKUP = "\"'><fz-x></fz-x><script>fuzz(1)</script>"
#: A spreadsheet formula (CSV/Excel injection: in an exported workbook it must stay text) that is also SQL.
FORMULA = '=HYPERLINK("http://fuzz.invalid","x")\' OR \'1\'=\'1\' --'
#: What a text field is sent: the formula and the markup in one value.
TEXT = FORMULA + MARKUP
NUL = "a\x00b"
BIG = str(2**63)
HUGE_DIGITS = "9" * 40
TEXT_KINDS = ("text", "search", "email", "tel", "url", "password", "textarea")
#: The longest text tried in a field without a maxlength, and the text tried in a field with one.
LONG_TEXT = 100_000
OVER_LIMIT = 10_000
#: The upload size cap the file fields are tried against (the test lowers the portal's caps to it).
UPLOAD_CAP = 64 * 1024

_UNESCAPED = re.compile(r"<fz-x>|<script>fuzz", re.IGNORECASE)


def unescaped(text: str) -> bool:
    """Whether a response shows the corpus's markup as markup."""
    return bool(_UNESCAPED.search(text))


@dataclass
class Try:
    """One value for one field (`value` a string, a list for a multiple choice, or a callable making an upload)."""

    value: object
    refuse: bool
    label: str = ""
    #: Other fields sent with it (an ID number goes with its birth date).
    with_fields: dict = field(default_factory=dict)
    #: The refusal must be shown at this field.
    at_field: bool = False
    #: Handled alike by every field of its kind (a date that is no date, a NUL): tried on one field per form.
    once: bool = False

    def __post_init__(self):
        if not self.label:
            text = repr(self.value)
            self.label = text if len(text) <= 40 else f"{text[:20]}…({len(str(self.value))} chars)"


def _is_int(value: str) -> bool:
    return value.isascii() and re.fullmatch(r"-?[0-9]+", value) is not None


def _outside(value: str, low: str | None, high: str | None) -> bool:
    """Whether an integer text lies outside [low, high] (a missing bound is no bound); not an integer: outside."""
    if not _is_int(value):
        return True
    number = int(value)
    return (low is not None and _is_int(low) and number < int(low)) or (
        high is not None and _is_int(high) and number > int(high)
    )


def _numbers(f: Field) -> list[Try]:
    values = ["0", "-1", BIG, HUGE_DIGITS, "²", "１", "1e3", MARKUP]
    tries = [Try(v, refuse=_outside(v, f.min, f.max) and v != "１") for v in values]
    tries.append(Try("", refuse=f.required))
    return tries


def _opaque_numbers() -> list[Try]:
    """A hidden number (a version, a flag) may mean anything: only its handling is checked, not its refusal."""
    return [Try(v, refuse=False) for v in ("0", "-1", BIG, "²", "１", MARKUP)]


def _choices(f: Field) -> list[Try]:
    """Choices the page did not offer: ids that point at nothing (or are no numbers) when it offers ids."""
    ids = any(_is_int(o) for o in f.options)
    wrong = ("0", "-1", BIG, "²", MARKUP) if ids else ("nonsense-choice", BIG, MARKUP)
    many = f.multiple or (f.kind == "checkbox" and len(f.options) > 1)
    tries = [Try([v] if many else v, refuse=True) for v in wrong if v not in f.options]
    if ids:
        tries.append(Try(["１"] if many else "１", refuse=False))
    return tries


def _texts(f: Field, max_length: int | None) -> list[Try]:
    tries = [Try(TEXT, refuse=False, label="formula+SQL+markup"), Try(NUL, refuse=True, once=True)]
    if max_length:
        # Far over the limit: also over every column a longer limit elsewhere might write it to.
        tries.append(Try("长" * OVER_LIMIT, refuse=True, label=f"'长'×{OVER_LIMIT} (maxlength {max_length})"))
    else:
        tries.append(Try("长" * LONG_TEXT, refuse=False, label=f"'长'×{LONG_TEXT}"))
    return tries


def _id_numbers(f: Field) -> list[Try]:
    """ID numbers with a valid check character whose birth date is not one (sent with that birth date)."""
    from members.rules import id_check_char

    def number(birth: str) -> str:
        first17 = f"520102{birth}123"
        return first17 + id_check_char(first17)

    tries = []
    future = f"{timezone.localdate().year + 1}0101"
    for birth in (future, "02020101", "00010101"):
        with_fields = {"birth_date": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"}
        # A birth date in the future makes the number itself invalid: the refusal names the ID number.
        tries.append(Try(number(birth), refuse=True, with_fields=with_fields, at_field=birth == future,
                         label=f"ID number born {with_fields['birth_date']}"))
    return [*tries, *_texts(f, f.maxlength)]


#: Out of any sane range (each field has its own range), then no date at all (parsed alike for every field).
DATES = ["0001-01-01", "0202-01-01", "9999-12-31"], ["2025-02-30", MARKUP]
DATETIMES = ["0001-01-01T00:00", "0202-03-04T10:00", "9999-12-31T23:59"], ["2025-02-30T10:00", MARKUP]
MONTHS = ["0001-01", "0202-02", "9999-12"], ["2026-13", MARKUP]


def _dates(values: tuple[list[str], list[str]]) -> list[Try]:
    out_of_range, no_date = values
    return [Try(v, refuse=True) for v in out_of_range] + [Try(v, refuse=True, once=True) for v in no_date]


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def _image() -> bytes:
    from tests.members.images import image_bytes

    return image_bytes()


def _workbook_with_bad_values() -> bytes:
    """A workbook with the import's columns and rows whose every cell holds a value from this corpus."""
    from openpyxl import Workbook

    from members.spreadsheets import HEADERS, workbook_bytes

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    for value in (MARKUP, FORMULA, "0202-01-01", "9999-12-31", "2025-02-30", "0", BIG, "长" * 300):
        sheet.append([value] * len(HEADERS))
    return workbook_bytes(workbook)


def _files(f: Field) -> list[Try]:
    """Empty, fake, over-cap uploads (refused), and a real file of the accepted kind under a name of markup far
    longer than any column (it may be kept, under a name that fits, shown as text)."""
    accept = f.accept.lower()
    if "xlsx" in accept and "pdf" not in accept:
        extension, content_type, real = ".xlsx", "application/octet-stream", _workbook_with_bad_values
    elif "pdf" in accept:
        extension, content_type, real = ".pdf", "application/pdf", _pdf
    else:
        extension, content_type, real = ".jpg", "image/jpeg", _image

    def upload(name: str, content: bytes | Callable[[], bytes]) -> Callable[[], SimpleUploadedFile]:
        return lambda: SimpleUploadedFile(name, content() if callable(content) else content, content_type=content_type)

    tries = [
        Try(upload(f"empty{extension}", b""), refuse=True, label="an empty file"),
        Try(upload(f"text{extension}", b"just text, not the file it claims to be"), refuse=True, label="a text file"),
        Try(upload(f"huge{extension}", b"\0" * (UPLOAD_CAP + 1)), refuse=True, label=f"{UPLOAD_CAP + 1} bytes"),
    ]
    if extension == ".xlsx":
        tries.append(Try(upload("bad-values.xlsx", real), refuse=True, label="the import's columns full of bad values"))
    else:
        name = MARKUP.replace("/", "") + "长" * 300 + extension
        tries.append(Try(upload(name, real), refuse=False, label=f"a real {extension} named with markup, 300+ chars"))
    return tries


def tries_for(f: Field) -> list[Try]:
    """The values to send in place of the field's own (for a disabled field, which the portal ignores, the values
    are sent but need not be refused)."""
    tries = _tries_for(f)
    if f.disabled:
        for attempt in tries:
            attempt.refuse = False
    return tries


def _tries_for(f: Field) -> list[Try]:
    if f.kind == "file":
        return _files(f)
    if f.kind == "date":
        return _dates(DATES)
    if f.kind == "datetime-local":
        return _dates(DATETIMES)
    if f.kind == "month":
        return _dates(MONTHS)
    if f.kind == "number":
        return _numbers(f)
    if f.kind in ("select", "radio") or (f.kind == "checkbox" and (f.multiple or len(f.options) > 1)):
        return _choices(f)
    if f.kind == "checkbox":
        return [Try(MARKUP, refuse=False)]
    if f.kind == "hidden":
        own = f.values[0] if f.values else ""
        return _opaque_numbers() if _is_int(own) else [Try(v.value, refuse=False) for v in _texts(f, None)]
    if "id_number" in f.name:
        return _id_numbers(f)
    if f.kind in TEXT_KINDS:
        return _texts(f, f.maxlength)
    return [Try(MARKUP, refuse=False), Try(NUL, refuse=False)]


# --- Query parameters ----------------------------------------------------------------------------------------------


def query_values(own: str) -> list[str]:
    """Values for a query parameter whose page value is `own` (a number, a date, a month, a period, or text)."""
    base = [TEXT, NUL, "长" * 2000, ""]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", own):
        return [*DATES[0], *DATES[1], *base]
    if re.fullmatch(r"\d{4}-\d{2}", own):
        return [*MONTHS[0], *MONTHS[1], *base]
    if re.fullmatch(r"\d{4}(-Q\d|-\d{1,2})?", own):
        return ["0001", "0202-Q1", "9999-Q4", "2026-Q5", "10000", "2026-00", *base]
    return ["0", "-1", BIG, "²", "１", *base]
