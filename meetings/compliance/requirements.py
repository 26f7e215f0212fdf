"""The requirements in force for an organisation: the rules' defaults, overridden by the nearest organisation on
its way up that sets its own (`RequirementOverride`); a national frequency can be raised for a subtree, not lowered."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from branches.models import Organisation

from .. import rules
from ..models import MeetingType, Period, RequirementOverride
from ..rules import Requirement


def _ancestor_paths(path: str) -> list[str]:
    """The paths of an organisation and its ancestors, root first (treebeard materialised paths)."""
    step = Organisation.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def requirements_of(organisations: Sequence[Organisation]) -> dict[int, dict[str, Requirement]]:
    """Each organisation's requirements: defaults, overridden by the nearest ancestor that sets one (one query)."""
    paths = {p for o in organisations for p in _ancestor_paths(o.path)}
    by_path: dict[str, dict[str, Requirement]] = defaultdict(dict)
    rows = RequirementOverride.objects.filter(organisation__path__in=paths).values_list(
        "organisation__path", "meeting_type", "period", "count"
    )
    for path, meeting_type, period, count in rows:
        by_path[path][meeting_type] = Requirement(meeting_type, period, count)
    types = MeetingType.values
    defaults = {meeting_type: rules.default_requirement(meeting_type) for meeting_type in types}
    result = {}
    for organisation in organisations:
        chain = [
            (depth, by_path[path]) for depth, path in enumerate(_ancestor_paths(organisation.path)) if path in by_path
        ]
        if not chain:  # most organisations: nobody on the way up sets anything
            result[organisation.pk] = defaults
            continue
        requirements = dict(defaults)
        for meeting_type in types:
            candidates = [(depth, own[meeting_type]) for depth, own in chain if meeting_type in own]
            requirements[meeting_type] = rules.nearest_override(candidates) or defaults[meeting_type]
        result[organisation.pk] = requirements
    return result


@dataclass(frozen=True)
class RequirementSource:
    """The requirement in force for one meeting type and where it comes from (None: the rules' default)."""

    meeting_type: str
    requirement: Requirement
    source: Organisation | None
    own: RequirementOverride | None

    @property
    def label(self) -> str:
        return str(MeetingType(self.meeting_type).label)

    @property
    def period_label(self) -> str:
        return str(Period(self.requirement.period).label)

    @property
    def is_national(self) -> bool:
        """A national frequency can be raised for a subtree but not lowered."""
        return self.meeting_type in rules.NATIONAL_TYPES


def requirement_sources(organisation: Organisation) -> list[RequirementSource]:
    """For the requirement settings page: per checked type, the effective requirement, the organisation whose
    setting it is (nearest ancestor wins; None for the default) and this organisation's own setting (one query)."""
    chain = _ancestor_paths(organisation.path)
    overrides = RequirementOverride.objects.filter(organisation__path__in=chain).select_related("organisation")
    by_type: dict[str, list[tuple[int, RequirementOverride]]] = defaultdict(list)
    for override in overrides:
        by_type[override.meeting_type].append((len(override.organisation.path), override))
    result = []
    for meeting_type in rules.COMPLIANCE_TYPES:
        found = by_type.get(meeting_type, [])
        nearest = max(found, key=lambda pair: pair[0])[1] if found else None
        requirement = (
            Requirement(meeting_type, nearest.period, nearest.count)
            if nearest
            else rules.default_requirement(meeting_type)
        )
        own = nearest if nearest is not None and nearest.organisation_id == organisation.pk else None
        result.append(RequirementSource(meeting_type, requirement, nearest.organisation if nearest else None, own))
    return result


def requirements_for(organisation: Organisation) -> dict[str, Requirement]:
    """The requirement of every meeting type for an organisation (defaults, or the nearest ancestor's setting)."""
    return requirements_of([organisation])[organisation.pk]
