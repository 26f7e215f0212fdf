"""The import contracts (`.importlinter`, run by `make test`): the portal's own contract type finds what it names."""

import configparser
from pathlib import Path

import grimp
import pytest

from config.import_contracts import PortalInterfacesContract

CONFIG = Path(__file__).resolve().parent.parent / ".importlinter"


def _contract() -> PortalInterfacesContract:
    """The `interfaces` contract as `.importlinter` configures it."""
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    options = {
        key: [line.strip() for line in value.splitlines() if line.strip()]
        for key, value in parser["importlinter:contract:interfaces"].items()
        if key not in ("name", "type")
    }
    return PortalInterfacesContract(name="interfaces", session_options={}, contract_options=options)


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import x")
    return graph


@pytest.mark.parametrize(
    ("importer", "imported", "kept"),
    [
        ("meetings.services", "members.selectors", True),  # another app's public module
        ("meetings.compliance.engine", "members.models", True),
        ("notifications.services", "meetings.selectors", True),
        ("meetings.views", "members.access.views", True),  # the access layer, from anywhere
        ("meetings.services", "branches.errors", True),  # a foundation of the lowest app
        ("meetings.uploads", "members.photos", False),  # another app's private module
        ("demo.scale", "meetings.compliance.page_cache", False),
        ("notifications.services", "meetings.views", False),
        ("meetings.services", "meetings.forms", False),  # a domain module importing the web layer
        ("meetings.checks", "meetings.views", False),
        ("meetings.views", "meetings.forms", True),  # the web layer importing itself
        ("meetings.views", "meetings.compliance.overview", True),  # an app's own private module
    ],
)
def test_the_interfaces_contract_keeps_apps_to_each_others_public_modules(importer, imported, kept):
    """Across apps only models, rules, selectors, services and the access layer; domain modules never import views,
    forms, urls, the admin or template tags (README, "Architecture")."""
    check = _contract().check(_graph((importer, imported)), verbose=False)
    assert check.kept is kept, check.metadata["problems"]
