"""The demo app sits above every other app: nothing imports it, it calls no command, and its modules stay small."""

import re
from pathlib import Path

from django.conf import settings

DEMO = Path(settings.BASE_DIR) / "demo"
PROJECT_PACKAGES = ("config", "branches", "members", "meetings", "evaluations", "notifications", "bench")
IMPORTS_DEMO = re.compile(r"^\s*(from|import)\s+demo\b", re.MULTILINE)


def _sources(*folders: Path) -> list[Path]:
    return [path for folder in folders for path in folder.rglob("*.py") if "migrations" not in path.parts]


def test_no_other_app_imports_the_demo():
    """The demo data generators are at the top: no app, settings module or benchmark imports them."""
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in _sources(*(Path(settings.BASE_DIR) / name for name in PROJECT_PACKAGES))
        if IMPORTS_DEMO.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_demo_calls_its_parts_directly_and_no_command_by_name():
    """seed_demo calls the people, meetings and reminders functions itself; nothing in the demo calls a command."""
    offenders = [str(path.name) for path in _sources(DEMO) if "call_command" in path.read_text(encoding="utf-8")]
    assert offenders == []


def test_no_demo_module_is_over_450_lines():
    """Split by purpose (people and organisations, meetings, reminders, scale data), each module stays readable."""
    lengths = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in _sources(DEMO)}
    assert {name: n for name, n in lengths.items() if n > 450} == {}
