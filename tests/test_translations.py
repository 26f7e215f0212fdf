"""The English translation is complete, compiled, keeps every placeholder, and is what English pages show."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _entries(path: Path) -> list[dict]:
    """Read a .po file into entries: {"flags": set, "msgid": str, "msgid_plural": str?, "msgstr"/"msgstr[n]": str}."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry: dict = {"flags": set()}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _space, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


ENTRIES = _entries(LOCALE / "django.po")
MESSAGES = [entry for entry in ENTRIES if entry["msgid"]]


def test_the_po_file_has_entries_and_a_clean_header():
    """The English .po exists, declares its language and plural rule, and its header is not fuzzy."""
    header = next(entry for entry in ENTRIES if entry["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2;" in header["msgstr"]
    assert len(MESSAGES) > 100


def test_every_entry_is_translated_and_none_is_fuzzy():
    """Every msgid has a non-empty English msgstr (every plural form) and no entry waits for review (fuzzy)."""
    untranslated = [entry["msgid"] for entry in MESSAGES if not all(t.strip() for t in _translations(entry))]
    fuzzy = [entry["msgid"] for entry in MESSAGES if "fuzzy" in entry["flags"]]
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy: {fuzzy}"


def test_translations_are_english_and_keep_their_placeholders():
    """A translation keeps each %(name)s / {name} of its source and is not the Chinese source copied over."""
    problems = []
    for entry in MESSAGES:
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, translated in enumerate(_translations(entry)):
            source = sources[min(index, 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                problems.append((source, translated))
            if translated == source and re.search(r"[\u4e00-\u9fff]", source):
                problems.append((source, translated))
    assert problems == []


def test_the_committed_mo_matches_the_po():
    """The compiled .mo holds the same translations as the .po (run `make messages` after editing the .po)."""
    with open(LOCALE / "django.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    stale = []
    for entry in MESSAGES:
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            if context is None:
                got = [catalog.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            else:
                got = [catalog.npgettext(context, entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            want = [entry["msgstr[0]"], entry["msgstr[1]"]]
        elif context is None:
            got, want = [catalog.gettext(entry["msgid"])], [entry["msgstr"]]
        else:
            got, want = [catalog.pgettext(context, entry["msgid"])], [entry["msgstr"]]
        if got != want:
            stale.append(entry["msgid"])
    assert stale == []


def test_the_login_page_is_english_when_english_is_chosen(client):
    """With the language switch set to English the login page reads in English; without it, in Chinese."""
    chinese = client.get(reverse("login")).content.decode()
    assert "登录党支部工作管理平台" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("login")).content.decode()
    assert "Log in to the Party Branch Work Portal" in english
    assert "登录党支部工作管理平台" not in english
    assert '<html lang="en">' in english


@pytest.mark.django_db
def test_a_secretary_reads_the_roster_in_english(client, world):
    """The roster of a signed-in secretary uses the glossary's English terms when English is chosen."""
    client.force_login(world.secretary_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("members:list")).content.decode()
    assert "Member roster" in html
    assert "Full member" in html
    assert "Name (descending)" in html  # django-filter's own label would be formatted once, in Chinese
    assert "More filters" in html
    for chinese in ("正式党员", "姓名", "更多筛选", "降序"):
        assert chinese not in html


def test_an_english_request_does_not_leave_english_behind(client):
    """The chosen language holds for its request only; what runs next on the thread is Chinese again."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Log in" in client.get(reverse("login")).content.decode()
    assert translation.get_language() == "zh-hans"
    assert translation.gettext("登录") == "登录"


def test_the_committee_meeting_type_and_the_committee_body_translate_apart():
    """支部委员会 names both the body and the meeting type; the glossary gives them different English names."""
    from meetings.models import MeetingType

    with translation.override("en"):
        assert str(MeetingType.COMMITTEE_MEETING.label) == "Committee meeting"
        assert translation.gettext("支部委员会") == "Branch committee"
