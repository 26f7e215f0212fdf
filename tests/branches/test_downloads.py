"""Download names: one safe form, whatever the organisation's or the file's name holds."""

from datetime import date

import pytest

from branches.downloads import download_name

#: Characters that cut a name (/ \), end or split the header (" ; line breaks) or that file systems refuse.
UNSAFE = ("/", "\\", '"', ";", "\n", "\r", "\t", "\x00", ":", "*", "?", "<", ">", "|")


@pytest.mark.parametrize(
    ("title", "extension", "day", "expected"),
    [
        ("变电运维一班党支部会议记录", "pdf", date(2026, 11, 27), "变电运维一班党支部会议记录_2026-11-27.pdf"),
        ("运检/营销联合党支部会议记录", "pdf", date(2026, 11, 27), "运检-营销联合党支部会议记录_2026-11-27.pdf"),
        ('甲\\乙"丙;丁\n戊\r\n己', "xlsx", None, "甲-乙-丙-丁-戊-己.xlsx"),
        ("国网（A/B）党委", "pdf", None, "国网(A-B)党委.pdf"),
        ("  ../../etc/passwd  ", "pdf", None, "etc-passwd.pdf"),
        ("Meeting minutes", ".PDF", None, "Meeting-minutes.pdf"),
        ('"/;\n', "ics", None, "download.ics"),
        ("", "xlsx", date(2026, 1, 2), "download_2026-01-02.xlsx"),
        ("名册", 'xlsx";x=1', None, "名册"),
        ("名册", "", None, "名册"),
    ],
)
def test_download_name_keeps_letters_of_any_script_and_replaces_the_rest(title, extension, day, expected):
    """Chinese and Latin letters and digits stay; each run of separators, quotes, ";", spaces and line breaks
    becomes one "-"; the date follows as _YYYY-MM-DD; an extension that is not plain letters and digits is left
    out; an empty slug falls back to a neutral word."""
    assert download_name(title, extension=extension, day=day) == expected


@pytest.mark.parametrize("character", UNSAFE)
def test_no_unsafe_character_survives(character):
    """Whatever character a name holds, none of the unsafe ones reach the download name."""
    name = download_name(f"党支部{character}会议{character}", extension="pdf", day=date(2026, 5, 1))
    assert not any(c in name for c in UNSAFE)
    assert name == "党支部-会议_2026-05-01.pdf"


def test_a_very_long_name_is_shortened_before_the_date():
    """A name of hundreds of characters keeps its beginning, its date and its extension."""
    name = download_name("党" * 500, extension="pdf", day=date(2026, 5, 1))
    assert name == "党" * 80 + "_2026-05-01.pdf"
