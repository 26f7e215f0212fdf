"""Cases of the regulation a reviewer should see in the demo (issue 12), written through the services:

- a branch founded mid-year (配电网工程项目部党支部, under the city company's 党委): its requirements apply from
  the founding day, so the months before it are "不适用", not red;
- the same branch is small (6 正式党员) and elected a 书记 and a 宣传委员: no 支委会, so no monthly 支部委员会 is
  owed, and its page shows the structure warning for the post beyond 书记 and 副书记;
- 谈心谈话 per member: the branches' talk records (meeting_history.py) pair the secretary with each member in a
  diligent branch and with one member at a time elsewhere, so the compliance pages show "N/M 名党员本年已谈心谈话",
  all in some branches and some members still owing one in others;
- the city company's 党委 fixes 主题党日 on the 15th of each month for its subtree (a reminder when it slips).
"""

import random
from collections.abc import Callable
from datetime import date, timedelta

from django.utils.translation import gettext as _

from branches import services as branch_services
from branches.models import Domain, Form, Level, Organisation
from meetings import services as meeting_services
from members import rules as member_rules
from members import services as member_services
from members.access import SYSTEM
from members.models import Gender, Post, Status

FOUNDED_MID_YEAR = "GW-SZ-05"
FIXED_THEME_DAY_ORG, FIXED_THEME_DAY = "GW-SZ", 15
NAMES = ("周建国", "吴海燕", "郑立新", "冯雪梅", "陈志强", "褚文静")


def founded_on(today: date) -> date:
    """The 15th of the month four months back: mid-month and, most of the year, mid-year."""
    return (today.replace(day=1) - timedelta(days=100)).replace(day=15)


def regulation_cases_load(*, today: date, write: Callable[[str], None]) -> None:
    """Add the cases, unless already done."""
    if Organisation.objects.filter(code=FOUNDED_MID_YEAR).exists():
        return
    parent = Organisation.objects.filter(code=FIXED_THEME_DAY_ORG).first()
    if parent is None:
        return
    founded = founded_on(today)
    branch = branch_services.organisation_create(
        parent=parent,
        data={
            "name": "配电网工程项目部党支部",
            "code": FOUNDED_MID_YEAR,
            "level": Level.BRANCH,
            "domain": Domain.STATE_ENTERPRISE,
            "form": Form.TEMPORARY,
            "founded_on": founded,
        },
        by=SYSTEM,
    )
    rng = random.Random(12)
    people = []
    for n, name in enumerate(NAMES):
        birth = date(1975 + n, 3 + n, 10 + n)
        first17 = f"520102{birth:%Y%m%d}{600 + n * 2 + (1 if n % 2 == 0 else 0):03d}"
        data = {
            "name": name,
            "gender": Gender.MALE if n % 2 == 0 else Gender.FEMALE,
            "birth_date": birth,
            "status": Status.FULL,
            "applied_on": date(2005 + n, 3, 1),
            "joined_on": date(2006 + n, 7, 1),
            "confirmed_on": date(2007 + n, 7, 1),
            "organisation": branch,
            "work_unit": "国网某市供电公司配电网工程项目部",
            "position": ("项目经理", "安全员", "技术员", "施工员", "资料员", "质检员")[n],
            "education": "bachelor",
            "phone": f"139{rng.randrange(10**8):08d}",
        }
        people.append(
            member_services.member_create(data=data, id_number=first17 + member_rules.id_check_char(first17), by=SYSTEM)
        )
    member_services.committee_term_start(
        organisation=branch,
        elected_on=founded + timedelta(days=3),
        posts=[(people[0], Post.SECRETARY), (people[1], Post.PUBLICITY_OFFICER)],
        by=SYSTEM,
    )
    meeting_services.theme_day_set(organisation=parent, day_of_month=FIXED_THEME_DAY, by=SYSTEM)
    write(
        _("已添加规则演示：%(name)s（%(day)s成立，6名正式党员，不设支部委员会）。")
        % {"name": branch.name, "day": founded.isoformat()}
    )
