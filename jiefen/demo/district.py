"""A fictional district to demonstrate Jiefen in: 青州市 → 清河区 → 8 streets and towns →
60 communities and villages → 400 grids, with outlines that tile each other, a department
for every department type, and staff at every post.

The names and division codes look real but are not: no Chinese county has the code 379902."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from jiefen.accounts.models import Membership, Role, User
from jiefen.lib.geo import Rect, bounds, polygon  # noqa: F401 - bounds is used by .cases
from jiefen.regions.models import Department, DepartmentType, Level, Region

from . import texts

DEMO_PASSWORD = "jiefen2026"

CITY_NAME = "青州市"
COUNTY_NAME = "清河区"
COUNTY_CENTER = "清河区社会治理综合服务中心"
CITY_CODE = "379900000000"
COUNTY_CODE = "379902000000"
COUNTY_BOUNDS = (116.86, 36.50, 117.14, 36.70)  # lon/lat (WGS84) around 117.0E 36.6N
GRID_COUNT = 400
STREET_TYPE = "street"  # the department type for matters the street office owns

# (name, login slug, is a town, communities: the first is the seat; 村 are villages)
STREETS: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("东关街道", "dongguan", False, ("东关社区", "文化路社区", "府前社区", "青年路社区", "鼓楼社区", "东门社区", "育才社区", "花园社区")),
    ("西城街道", "xicheng", False, ("西城社区", "西关社区", "锦绣社区", "胜利社区", "和平社区", "建设社区", "西苑社区", "工人新村社区")),
    ("南湖街道", "nanhu", False, ("南湖社区", "湖滨社区", "翠湖社区", "南苑社区", "滨河社区", "荷花社区", "碧水社区")),
    ("北苑街道", "beiyuan", False, ("北苑社区", "北辰社区", "金水社区", "康乐社区", "怡景社区", "清华园社区", "北关社区")),
    ("清河镇", "qinghe", True, ("清河社区", "王家庄村", "李家营村", "河东村", "河西村", "前屯村", "后屯村", "张家湾村")),
    ("柳林镇", "liulin", True, ("柳林社区", "柳湾村", "东柳林村", "西柳林村", "马家庄村", "杨树沟村", "石桥村", "刘家集村")),
    ("新华街道", "xinhua", False, ("新华社区", "人民路社区", "新兴社区", "光明社区", "振华社区", "长安社区", "华苑社区")),
    ("城南街道", "chengnan", False, ("城南社区", "南关社区", "迎宾社区", "阳光社区", "幸福社区", "南园社区", "丰收社区")),
)

# One easy account per role, for the README and the `jiefen demo` banner.
DEMO_ACCOUNTS: list[dict] = [
    {"username": "clerk", "role": "受理员", "where": COUNTY_CENTER, "roles": (Role.CLERK,)},
    {"username": "dispatcher", "role": "调度员", "where": COUNTY_CENTER, "roles": (Role.DISPATCHER,)},
    {"username": "handler", "role": "部门承办人", "where": "清河区人社局", "roles": (Role.HANDLER,)},
    {"username": "mediator", "role": "调解员", "where": "东关街道综治中心", "roles": (Role.MEDIATOR,)},
    {"username": "grid", "role": "网格员", "where": "东关社区第1网格", "roles": (Role.GRID_WORKER,)},
    {"username": "leader", "role": "中心负责人", "where": COUNTY_CENTER, "roles": (Role.LEADER,)},
    {"username": "supervisor", "role": "督查", "where": COUNTY_CENTER, "roles": (Role.SUPERVISOR,)},
    {"username": "admin", "role": "管理员", "where": "全系统（超级用户）", "roles": (Role.ADMIN,)},
    {"username": "street", "role": "调度员兼受理员", "where": "东关街道综治中心", "roles": (Role.DISPATCHER, Role.CLERK)},
]


class DistrictExists(Exception):
    pass


@dataclass
class District:
    city: Region
    county: Region
    streets: list[Region]
    communities: list[Region]
    grids: list[Region]
    departments: dict[str, Department]  # county departments by department type code
    street_offices: dict[int, Department] = field(default_factory=dict)  # street id → 街道办事处

    @property
    def regions(self) -> list[Region]:
        return [self.city, self.county, *self.streets, *self.communities, *self.grids]


def get_district() -> District | None:
    """The demo district if it has been built, read back from the database."""
    county = Region.objects.filter(
        name=COUNTY_NAME, level=Level.COUNTY, parent__name=CITY_NAME
    ).select_related("parent").first()
    if county is None:
        return None
    below = list(Region.objects.subtree(county).exclude(pk=county.pk))
    streets = [r for r in below if r.level == Level.STREET]
    departments = list(Department.objects.filter(region__path__startswith=county.path).select_related("type"))
    return District(
        city=county.parent,
        county=county,
        streets=streets,
        communities=[r for r in below if r.level == Level.COMMUNITY],
        grids=[r for r in below if r.level == Level.GRID],
        departments={d.type.code: d for d in departments if d.region_id == county.pk},
        street_offices={d.region_id: d for d in departments if d.region_id != county.pk and d.type.code == STREET_TYPE},
    )


# ---------------------------------------------------------------- geometry


def tile(rect: Rect, weights: list[float], rng: random.Random) -> list[Rect]:
    """Split a rectangle into len(weights) rectangles with areas roughly proportional to the
    weights, by guillotine cuts (a treemap). Neighbours share the rounded cut exactly, so the
    pieces tile the parent with no gap or overlap."""
    if len(weights) == 1:
        return [rect]
    total = sum(weights)
    k, acc = len(weights) - 1, 0.0
    for i, w in enumerate(weights[:-1]):
        acc += w
        if acc >= total / 2:
            k = i + 1
            break
    share = min(0.9, max(0.1, sum(weights[:k]) / total * rng.uniform(0.94, 1.06)))
    x0, y0, x1, y1 = rect
    wide = (x1 - x0) * math.cos(math.radians((y0 + y1) / 2)) >= (y1 - y0)
    if wide:
        cut = round(x0 + (x1 - x0) * share, 6)
        first, second = (x0, y0, cut, y1), (cut, y0, x1, y1)
    else:
        cut = round(y0 + (y1 - y0) * share, 6)
        first, second = (x0, y0, x1, cut), (x0, cut, x1, y1)
    return tile(first, weights[:k], rng) + tile(second, weights[k:], rng)


def split_total(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to the weights that add up to exactly `total`."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


# ---------------------------------------------------------------- building


def build_district(seed: int) -> District:
    """Create the demo district with its departments and staff. Refuses (DistrictExists) if a
    region of that name is already there, so running it twice never doubles anything."""
    if Region.objects.filter(name__in=[COUNTY_NAME, CITY_NAME]).exists():
        raise DistrictExists(f"{CITY_NAME}{COUNTY_NAME} already exists")
    rng = random.Random(seed)
    with transaction.atomic():
        district = _build_regions(rng)
        _build_departments(district)
        _build_staff(district, rng)
    return district


def _region(name: str, level: int, parent: Region | None, code: str, population: int, rect: Rect, center: str = "") -> Region:
    region = Region(
        name=name, level=level, parent=parent, division_code=code, population=population,
        outline=polygon(rect), center_name=center,
    )
    region.save()
    return region


def _build_regions(rng: random.Random) -> District:
    # Populations: urban communities are big, villages small; scaled to about 600,000.
    plan = []  # (street index, community name, population weight, area weight)
    for s, (_name, _slug, town, names) in enumerate(STREETS):
        for c, name in enumerate(names):
            village = name.endswith("村")
            population = rng.randint(1200, 3500) if village else rng.randint(6000, 9000) if town and c == 0 else rng.randint(7000, 14000)
            area = (4.0 if village else 2.0 if town else 1.0) * rng.uniform(0.7, 1.3)
            plan.append((s, name, population, area))
    county_population = rng.randint(590_000, 615_000)
    populations = split_total(county_population, [p[2] for p in plan])
    grid_counts = split_total(GRID_COUNT - 3 * len(plan), [p[2] for p in plan])
    grid_counts = [n + 3 for n in grid_counts]

    street_areas = [sum(p[3] for p in plan if p[0] == s) for s in range(len(STREETS))]
    street_rects = tile(COUNTY_BOUNDS, street_areas, rng)

    city = _region(CITY_NAME, Level.CITY, None, CITY_CODE, county_population * 5, (116.5, 36.3, 117.5, 36.9), f"{CITY_NAME}社会治理综合服务中心")
    county = _region(COUNTY_NAME, Level.COUNTY, city, COUNTY_CODE, county_population, COUNTY_BOUNDS, COUNTY_CENTER)
    streets, communities, grids = [], [], []
    street_numbers = {"street": 0, "town": 99}  # 街道 001-099, 镇 100-199, as in real codes
    for s, (street_name, _slug, town, _names) in enumerate(STREETS):
        rows = [i for i, p in enumerate(plan) if p[0] == s]
        kind = "town" if town else "street"
        street_numbers[kind] += 1
        street_code = f"{COUNTY_CODE[:6]}{street_numbers[kind]:03d}000"
        street = _region(
            street_name, Level.STREET, county, street_code, sum(populations[i] for i in rows),
            street_rects[s], f"{street_name}综治中心",
        )
        streets.append(street)
        community_rects = tile(street_rects[s], [plan[i][3] for i in rows], rng)
        urban_no, village_no = 0, 0
        for rect, i in zip(community_rects, rows, strict=True):
            name = plan[i][1]
            if name.endswith("村"):
                village_no += 1
                number = 200 + village_no
            else:
                urban_no += 1
                number = urban_no
            community = _region(name, Level.COMMUNITY, street, f"{street_code[:9]}{number:03d}", populations[i], rect, f"{name}综治中心")
            communities.append(community)
            n = grid_counts[i]
            grid_weights = [rng.uniform(0.8, 1.2) for _ in range(n)]
            for g, (grid_rect, grid_population) in enumerate(
                zip(tile(rect, grid_weights, rng), split_total(populations[i], grid_weights), strict=True)
            ):
                grids.append(_region(f"{name}第{g + 1}网格", Level.GRID, community, "", grid_population, grid_rect))
    return District(city=city, county=county, streets=streets, communities=communities, grids=grids, departments={})


def _build_departments(district: District) -> None:
    for t in DepartmentType.objects.order_by("code"):
        if t.code == STREET_TYPE:
            for street in district.streets:
                office = "人民政府" if street.name.endswith("镇") else "办事处"
                district.street_offices[street.pk] = Department.objects.create(
                    name=f"{street.name}{office}", type=t, region=street,
                )
            continue
        name = f"{COUNTY_NAME}人民法院" if t.code == "court" else f"{COUNTY_NAME}{t.name}"
        district.departments[t.code] = Department.objects.create(
            name=name, type=t, region=district.county, phone=f"0536-{8200000 + len(district.departments) * 1111}",
        )


@dataclass
class _Person:
    username: str
    posts: list[tuple[str, Region | None, Department | None]]
    superuser: bool = False


def _build_staff(district: District, rng: random.Random) -> None:
    county = district.county
    people = [
        _Person("clerk", [(Role.CLERK, county, None)]),
        _Person("clerk2", [(Role.CLERK, county, None)]),
        _Person("dispatcher", [(Role.DISPATCHER, county, None)]),
        _Person("dispatcher2", [(Role.DISPATCHER, county, None)]),
        _Person("leader", [(Role.LEADER, county, None)]),
        _Person("supervisor", [(Role.SUPERVISOR, county, None)]),
        _Person("supervisor2", [(Role.SUPERVISOR, county, None)]),
        _Person("admin", [(Role.ADMIN, county, None)], superuser=True),
    ]
    for street, (_name, slug, _town, _names) in zip(district.streets, STREETS, strict=True):
        first = slug == "dongguan"
        people += [
            _Person("street" if first else f"{slug}_staff", [(Role.DISPATCHER, street, None), (Role.CLERK, street, None)]),
            _Person(f"{slug}_leader", [(Role.LEADER, street, None)]),
            _Person("mediator" if first else f"{slug}_mediator1", [(Role.MEDIATOR, street, None)]),
            _Person(f"{slug}_mediator2", [(Role.MEDIATOR, street, None)]),
        ]
        if street.pk in district.street_offices:
            people.append(_Person(f"{slug}_office", [(Role.HANDLER, None, district.street_offices[street.pk])]))
    for code, department in district.departments.items():
        count = 2 if code == "human_resources" else rng.randint(1, 2)
        for k in range(count):
            username = "handler" if code == "human_resources" and k == 0 else f"{code}_{k + 1}"
            people.append(_Person(username, [(Role.HANDLER, None, department)]))
    for g, grid in enumerate(district.grids):
        people.append(_Person("grid" if g == 0 else f"grid{g + 1:04d}", [(Role.GRID_WORKER, grid, None)]))

    password = make_password(DEMO_PASSWORD)  # once: hashing 470 times would take minutes
    names: set[str] = set()
    users = []
    for person in people:
        name, _male = texts.person_name(rng)
        while name in names:
            name, _male = texts.person_name(rng)
        names.add(name)
        users.append(User(
            username=person.username, password=password, full_name=name, phone=texts.mobile(rng),
            is_staff=person.superuser, is_superuser=person.superuser,
        ))
    User.objects.bulk_create(users)
    Membership.objects.bulk_create([
        Membership(user=user, role=role, region=region, department=department)
        for user, person in zip(users, people, strict=True)
        for role, region, department in person.posts
    ])
