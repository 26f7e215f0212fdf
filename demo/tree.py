"""The demo organisation: a provincial power company's Party tree, from the company 党委 down to 12 branches.

Each branch carries the size and shape of its membership (people.py draws the people from it; meeting_history.py
gives the branches their habits). Nothing here touches the database.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from branches.models import Domain, Form, Level
from members.models import Status

ROOT_CODE = "GW"
SECRETARY_BRANCH = "GW-SZ-YJ-01"
SECRETARY2_BRANCH = "GW-DKY-JS-01"


@dataclass
class Node:
    """One organisation of the demo tree; branches carry the size and shape of their membership."""

    code: str
    name: str
    level: str
    domain: str
    founded_on: date
    children: tuple["Node", ...] = ()
    size: int = 0
    groups: tuple[str, ...] = ()
    form: str = Form.SINGLE
    units: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    term: str = "ok"  # "ok", "due_soon" or "overdue"
    statuses: tuple[str, ...] = ()  # a fixed mix instead of the usual proportions
    extra_statuses: tuple[str, ...] = ()  # replace some 正式党员 (出党, 停止党籍)
    mobile: int = 0


GRID = ("班长", "副班长", "值班员", "运维工", "技术员", "专责", "工程师", "高级工程师")
OFFICE = ("主任", "副主任", "专责", "科员", "主管", "综合管理员")
RESEARCH = ("研究员", "高级工程师", "工程师", "助理工程师", "主任工程师", "博士后")

TREE = Node(
    ROOT_CODE,
    "国网某省电力有限公司党委",
    Level.SUPERIOR_COMMITTEE,
    Domain.STATE_ENTERPRISE,
    date(1998, 6, 18),
    children=(
        Node(
            "GW-SZ",
            "国网某市供电公司党委",
            Level.PRIMARY_COMMITTEE,
            Domain.STATE_ENTERPRISE,
            date(2001, 7, 1),
            children=(
                Node(
                    "GW-SZ-YJ",
                    "运维检修部党总支",
                    Level.GENERAL_BRANCH,
                    Domain.STATE_ENTERPRISE,
                    date(2008, 3, 12),
                    children=(
                        Node(
                            SECRETARY_BRANCH,
                            "变电运维一班党支部",
                            Level.BRANCH,
                            Domain.STATE_ENTERPRISE,
                            date(2009, 5, 20),
                            size=38,
                            groups=("第一党小组", "第二党小组", "第三党小组"),
                            units=("国网某市供电公司变电运维一班",),
                            positions=GRID,
                        ),
                        Node(
                            "GW-SZ-YJ-02",
                            "输电运检党支部",
                            Level.BRANCH,
                            Domain.STATE_ENTERPRISE,
                            date(2009, 5, 20),
                            size=33,
                            groups=("线路第一党小组", "线路第二党小组"),
                            units=("国网某市供电公司输电运检中心",),
                            positions=GRID,
                            term="due_soon",
                            mobile=2,
                        ),
                        Node(
                            "GW-SZ-YJ-03",
                            "配电抢修党支部",
                            Level.BRANCH,
                            Domain.STATE_ENTERPRISE,
                            date(2012, 9, 3),
                            size=22,
                            units=("国网某市供电公司配电抢修指挥中心",),
                            positions=GRID,
                            extra_statuses=(Status.SUSPENDED,),
                        ),
                    ),
                ),
                Node(
                    "GW-SZ-01",
                    "公司机关第一党支部",
                    Level.BRANCH,
                    Domain.GOVERNMENT,
                    date(2001, 7, 1),
                    size=26,
                    units=("国网某市供电公司办公室", "国网某市供电公司人力资源部", "国网某市供电公司财务部"),
                    positions=OFFICE,
                ),
                Node(
                    "GW-SZ-02",
                    "营销服务中心党支部",
                    Level.BRANCH,
                    Domain.STATE_ENTERPRISE,
                    date(2005, 4, 8),
                    size=18,
                    units=("国网某市供电公司营销服务中心",),
                    positions=OFFICE,
                    term="overdue",
                    mobile=1,
                    extra_statuses=(Status.LEFT,),
                ),
                Node(
                    "GW-SZ-03",
                    "电力调度控制中心党支部",
                    Level.BRANCH,
                    Domain.STATE_ENTERPRISE,
                    date(2006, 11, 15),
                    size=15,
                    units=("国网某市供电公司电力调度控制中心",),
                    positions=("调度员", "值长", *GRID[4:]),
                ),
                Node(
                    "GW-SZ-04",
                    "城郊供电所联合党支部",
                    Level.BRANCH,
                    Domain.RURAL,
                    date(2016, 6, 28),
                    size=9,
                    form=Form.JOINT,
                    units=("城东供电所", "城西供电所", "红枫供电所"),
                    positions=("所长", "台区经理", "营业员", "配电工"),
                ),
            ),
        ),
        Node(
            "GW-DKY",
            "国网某省电力科学研究院党委",
            Level.PRIMARY_COMMITTEE,
            Domain.RESEARCH,
            date(2003, 10, 10),
            children=(
                Node(
                    "GW-DKY-JS",
                    "技术研究所党总支",
                    Level.GENERAL_BRANCH,
                    Domain.RESEARCH,
                    date(2010, 1, 6),
                    children=(
                        Node(
                            SECRETARY2_BRANCH,
                            "电网技术研究室党支部",
                            Level.BRANCH,
                            Domain.RESEARCH,
                            date(2010, 1, 6),
                            size=32,
                            groups=("系统党小组", "继保党小组"),
                            units=("国网某省电力科学研究院电网技术研究室",),
                            positions=RESEARCH,
                            term="due_soon",
                        ),
                        Node(
                            "GW-DKY-JS-02",
                            "新能源技术研究室党支部",
                            Level.BRANCH,
                            Domain.RESEARCH,
                            date(2014, 3, 18),
                            size=24,
                            units=("国网某省电力科学研究院新能源技术研究室",),
                            positions=RESEARCH,
                        ),
                    ),
                ),
                Node(
                    "GW-DKY-01",
                    "电力培训中心党支部",
                    Level.BRANCH,
                    Domain.PUBLIC_INSTITUTION,
                    date(2004, 9, 1),
                    size=16,
                    units=("国网某省电力培训中心",),
                    positions=("培训师", "教务员", *OFFICE[:3]),
                ),
                Node(
                    "GW-DKY-02",
                    "电力职工生活区社区党支部",
                    Level.BRANCH,
                    Domain.COMMUNITY,
                    date(2011, 7, 1),
                    size=13,
                    units=("电力职工生活区社区居委会",),
                    positions=("社区主任", "网格员", "退休职工"),
                ),
                Node(
                    "GW-DKY-03",
                    "新能源项目部党支部",
                    Level.BRANCH,
                    Domain.STATE_ENTERPRISE,
                    date(2025, 3, 1),
                    size=4,
                    units=("国网某省电力科学研究院新能源示范项目部",),
                    positions=RESEARCH,
                    statuses=(Status.FULL, Status.FULL, Status.PROBATIONARY, Status.ACTIVIST),
                ),
            ),
        ),
    ),
)


def walk(node: Node) -> Iterator[Node]:
    """The node and everything below it, parents first."""
    yield node
    for child in node.children:
        yield from walk(child)
