"""The tree of the provincial-size data set (`seed_scale`): what to build, and every organisation in it.

Drawn from a generator seeded with the spec's seed; nothing here touches the database.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date

from branches.models import Domain, Form, Level, Organisation

ROOT_CODE = "SC"
BRANCHES_PER_PRIMARY = 50
GROUP_SIZE = 15  # a branch of more than 50 members forms party groups of about this size
LARGE_BRANCH = 50

DOMAINS: tuple[str, ...] = tuple(Domain.values)
DOMAIN_NAMES = {
    Domain.RURAL: ("乡镇党委", "村党支部"),
    Domain.COMMUNITY: ("街道党工委", "社区党支部"),
    Domain.GOVERNMENT: ("机关党委", "机关第{n}党支部"),
    Domain.PUBLIC_INSTITUTION: ("事业单位党委", "事业单位第{n}党支部"),
    Domain.STATE_ENTERPRISE: ("公司党委", "运维第{n}党支部"),
    Domain.UNIVERSITY: ("学院党委", "教工第{n}党支部"),
    Domain.RESEARCH: ("研究院党委", "研究室第{n}党支部"),
    Domain.PRIVATE_ENTERPRISE: ("非公企业联合党委", "企业第{n}党支部"),
    Domain.SOCIAL_ORGANISATION: ("社会组织综合党委", "协会第{n}党支部"),
}


@dataclass(frozen=True)
class ScaleSpec:
    """What to build: sizes, the seed, and the last day of history (later meetings are still planned)."""

    branches: int
    members: int
    years: int
    seed: int
    until: date


@dataclass
class OrgPlan:
    """One organisation of the generated tree."""

    id: int
    path: str
    name: str
    code: str
    level: str
    domain: str
    form: str
    founded_on: date
    numchild: int = 0
    number: int = 0  # a branch's position among branches: seeds its generator
    size: int = 0  # a branch's people
    groups: list["OrgPlan"] = field(default_factory=list)

    def row(self) -> tuple:
        return (
            self.id,
            self.path,
            len(self.path) // Organisation.steplen,
            self.numchild,
            self.name,
            self.code,
            self.level,
            self.domain,
            self.form,
            self.founded_on,
        )


ORG_COLUMNS = ("id", "path", "depth", "numchild", "name", "code", "level", "domain", "form", "founded_on")


def _step(n: int) -> str:
    """The n-th (1-based) path step of treebeard's materialised path: base 36, `steplen` characters."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(Organisation.steplen, "0")


def _sizes(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    """Split `total` people into `parts` branches of skewed sizes (most small, a few large) summing to `total`."""
    weights = [rng.lognormvariate(0, 0.75) for _ in range(parts)]
    floor = minimum if total >= minimum * parts else 0
    spare = total - floor * parts
    scale = spare / sum(weights)
    sizes = [floor + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def plan_tree(spec: ScaleSpec, first_id: int) -> list[OrgPlan]:
    """The organisations, parents before children: 上级党委 → 基层党委 → (党总支 →) 党支部 → 党小组.

    Each primary committee has one domain, cycling through every domain type; with fewer than nine primary
    committees the branches cycle through them instead. About 60% of branches sit in 党总支 of 3–8 branches.
    Branches of more than 50 members form party groups (Branch size rule).
    """
    rng = random.Random(spec.seed)
    ids = iter(range(first_id, first_id + 10**9))
    root = OrgPlan(
        next(ids),
        _step(1),
        "规模测试集团党委",
        ROOT_CODE,
        Level.SUPERIOR_COMMITTEE,
        Domain.STATE_ENTERPRISE,
        Form.SINGLE,
        date(1990, 7, 1),
    )
    orgs = [root]
    primaries = max(1, math.ceil(spec.branches / BRANCHES_PER_PRIMARY))
    sizes = _sizes(rng, spec.members, spec.branches, 3)
    per_primary = [spec.branches // primaries + (1 if i < spec.branches % primaries else 0) for i in range(primaries)]
    branch_number = 0
    for p in range(primaries):
        domain = DOMAINS[p % len(DOMAINS)]
        primary_name, branch_name = DOMAIN_NAMES[domain]
        root.numchild += 1
        primary = OrgPlan(
            next(ids),
            root.path + _step(root.numchild),
            f"第{p + 1}{primary_name}",
            f"{ROOT_CODE}-P{p + 1:03d}",
            Level.PRIMARY_COMMITTEE,
            domain,
            Form.SINGLE,
            date(1995 + rng.randrange(20), 1 + rng.randrange(12), 1),
        )
        orgs.append(primary)
        remaining = per_primary[p]
        g = 0
        while remaining:
            grouped = remaining >= 3 and rng.random() < 0.6
            count = min(remaining, rng.randint(3, 8)) if grouped else 1
            parent = primary
            if grouped:
                g += 1
                primary.numchild += 1
                parent = OrgPlan(
                    next(ids),
                    primary.path + _step(primary.numchild),
                    f"{primary.name}第{g}党总支",
                    f"{primary.code}-G{g:02d}",
                    Level.GENERAL_BRANCH,
                    domain,
                    Form.SINGLE,
                    date(2000 + rng.randrange(20), 1 + rng.randrange(12), 1),
                )
                orgs.append(parent)
            for _ in range(count):
                branch_number += 1
                b_domain = domain if primaries >= len(DOMAINS) else DOMAINS[(branch_number - 1) % len(DOMAINS)]
                size = sizes[branch_number - 1]
                parent.numchild += 1
                form = Form.JOINT if size < 7 and rng.random() < 0.3 else Form.SINGLE
                branch = OrgPlan(
                    next(ids),
                    parent.path + _step(parent.numchild),
                    f"{parent.name}{DOMAIN_NAMES[b_domain][1].format(n=parent.numchild)}",
                    f"{ROOT_CODE}-B{branch_number:05d}",
                    Level.BRANCH,
                    b_domain,
                    form,
                    date(2005 + rng.randrange(18), 1 + rng.randrange(12), 1),
                    number=branch_number,
                    size=size,
                )
                orgs.append(branch)
                if size > LARGE_BRANCH:
                    for k in range(math.ceil(size / GROUP_SIZE)):
                        branch.numchild += 1
                        group = OrgPlan(
                            next(ids),
                            branch.path + _step(branch.numchild),
                            f"第{k + 1}党小组",
                            f"{branch.code}-{k + 1:02d}",
                            Level.PARTY_GROUP,
                            b_domain,
                            Form.SINGLE,
                            branch.founded_on,
                        )
                        branch.groups.append(group)
                        orgs.append(group)
            remaining -= count
    return orgs
