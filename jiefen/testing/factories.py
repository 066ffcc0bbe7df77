"""Factories for tests (factory_boy), and a small district to act in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import factory
from django.utils import timezone

from jiefen.accounts.models import Membership, Role, User
from jiefen.cases.models import Case, Channel, Status
from jiefen.cases.services import perform
from jiefen.intake.services import submit_case
from jiefen.lib.geo import polygon
from jiefen.regions.models import Department, DepartmentType, Level, Region
from jiefen.taxonomy.models import (
    AttributeType,
    Category,
    HandlingKind,
    Item,
    ItemAttribute,
    RiskGrade,
)

PASSWORD = "test-pass-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"区域{n}")
    level = Level.COUNTY
    population = 10000


class DepartmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"type{n}")
    name = factory.Sequence(lambda n: f"部门类型{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"部门{n}")
    type = factory.SubFactory(DepartmentTypeFactory)
    region = factory.SubFactory(RegionFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"C{n:02d}")
    name = factory.Sequence(lambda n: f"类别{n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item
        django_get_or_create = ["code"]

    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"I{n:04d}")
    name = factory.Sequence(lambda n: f"事项{n}")
    department_type = factory.SubFactory(DepartmentTypeFactory)
    handling_kind = HandlingKind.TIME_LIMITED
    respond_minutes = 30
    sign_hours = 24
    handle_days = 10
    default_risk = RiskGrade.GENERAL


class ItemAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemAttribute

    item = factory.SubFactory(ItemFactory)
    code = factory.Sequence(lambda n: f"field{n}")
    datatype = AttributeType.STRING
    label = factory.Sequence(lambda n: f"补充问题{n}")


def wage_fields(item: Item) -> dict[str, ItemAttribute]:
    """The extra fields of the wage item in the examples: workers owed (number, required),
    when work stopped (datetime), kind of employer (single choice), proof held (multi)."""
    return {
        "workers": ItemAttributeFactory(item=item, code="workers", datatype=AttributeType.NUMBER,
                                        label="被欠薪人数", required=True, order=1),
        "stopped": ItemAttributeFactory(item=item, code="stopped", datatype=AttributeType.DATETIME,
                                        label="停工时间", order=2),
        "employer": ItemAttributeFactory(item=item, code="employer", datatype=AttributeType.SINGLE, label="用工单位类型",
                                         values=[{"key": "builder", "name": "建筑施工"}, {"key": "factory", "name": "工厂"}], order=3),
        "proof": ItemAttributeFactory(item=item, code="proof", datatype=AttributeType.MULTI, label="已有凭证",
                                      values=[{"key": "contract", "name": "劳动合同"}, {"key": "iou", "name": "欠条"},
                                              {"key": "chat", "name": "聊天记录"}], order=4),
    }


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"职员{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff(role: str, *, region: Region | None = None, department: Department | None = None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, role=role, region=region, department=department)
    return user


@dataclass
class World:
    """清河区 in miniature: a county with two streets, each with two communities of two grids;
    two departments at the county; one staff member per post."""

    county: Region
    streets: list[Region]
    communities: list[Region]
    grids: list[Region]
    hr: Department  # 人社局, responsible for labour matters
    housing: Department  # 住建局, responsible for property matters
    wage_item: Item
    property_item: Item
    immediate_item: Item
    committed_item: Item
    users: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, key: str) -> User:
        return self.users[key]


def build_world() -> World:
    city = RegionFactory(name="青州市", level=Level.CITY)
    county = RegionFactory(name="清河区", level=Level.COUNTY, parent=city, center_name="清河区社会治理综合服务中心")
    streets, communities, grids = [], [], []
    for s_name in ("东关街道", "西城街道"):
        street = RegionFactory(name=s_name, level=Level.STREET, parent=county)
        streets.append(street)
        for c in range(2):
            x, y = 117.0 + 0.02 * len(communities), 36.6  # communities side by side, 0.02° wide
            community = RegionFactory(
                name=f"{s_name[:2]}{c + 1}社区", level=Level.COMMUNITY, parent=street,
                outline=polygon((x, y, x + 0.02, y + 0.02)),
            )
            communities.append(community)
            for g in range(2):  # two grids, west and east halves
                grids.append(RegionFactory(
                    name=f"{community.name}第{g + 1}网格", level=Level.GRID, parent=community,
                    outline=polygon((x + 0.01 * g, y, x + 0.01 * (g + 1), y + 0.02)),
                ))
    hr_type = DepartmentTypeFactory(code="human_resources", name="人社局")
    housing_type = DepartmentTypeFactory(code="housing", name="住建局")
    street_type = DepartmentTypeFactory(code="street", name="街道/乡镇")
    hr = DepartmentFactory(name="清河区人社局", type=hr_type, region=county)
    housing = DepartmentFactory(name="清河区住建局", type=housing_type, region=county)
    labour = CategoryFactory(code="05", name="劳动争议与欠薪")
    prop = CategoryFactory(code="06", name="物业服务")
    neighbours = CategoryFactory(code="02", name="邻里纠纷")
    world = World(
        county=county, streets=streets, communities=communities, grids=grids, hr=hr, housing=housing,
        wage_item=ItemFactory(code="0501", name="农民工欠薪", category=labour, department_type=hr_type,
                              handle_days=10, default_risk=RiskGrade.SIGNIFICANT),
        property_item=ItemFactory(code="0601", name="物业服务纠纷", category=prop, department_type=housing_type),
        immediate_item=ItemFactory(code="0201", name="政策咨询", category=neighbours, department_type=street_type,
                                   handling_kind=HandlingKind.IMMEDIATE, handle_days=1),
        committed_item=ItemFactory(code="0602", name="房屋维修基金", category=prop, department_type=housing_type,
                                   handling_kind=HandlingKind.COMMITTED, handle_days=30),
    )
    east = streets[0]
    world.users = {
        "clerk": staff(Role.CLERK, region=county, username="clerk"),
        "dispatcher": staff(Role.DISPATCHER, region=county, username="dispatcher"),
        "leader": staff(Role.LEADER, region=county, username="leader"),
        "supervisor": staff(Role.SUPERVISOR, region=county, username="supervisor"),
        "hr_handler": staff(Role.HANDLER, department=hr, username="hr_handler"),
        "housing_handler": staff(Role.HANDLER, department=housing, username="housing_handler"),
        "street_dispatcher": staff(Role.DISPATCHER, region=east, username="street_dispatcher"),
        "street_mediator": staff(Role.MEDIATOR, region=east, username="street_mediator"),
        "west_dispatcher": staff(Role.DISPATCHER, region=streets[1], username="west_dispatcher"),
        "grid_worker": staff(Role.GRID_WORKER, region=grids[0], username="grid_worker"),
    }
    return world


def case_data(world: World, **overrides) -> dict:
    data = {
        "description": "我们在幸福路工地干了三个月活，包工头一直拖着不给工资，一共欠了我们十二个人八万多块钱。",
        "region": world.grids[0].pk,
        "address": "幸福路18号工地",
        "name": "王建国",
        "phone": "13812345678",
        "id_number": "",
        "group_size": 12,
        "amount": "86000",
        "respondent": "宏达建筑劳务公司",
    }
    data.update(overrides)
    return data


def submit(world: World, *, channel: str = Channel.WEB, actor=None, files=None, **overrides) -> Case:
    return submit_case(case_data(world, **overrides), files, channel=channel, actor=actor)


MEDIATION = {
    "held_at": "",
    "place": "东关街道调解室",
    "method": "face_to_face",
    "mediators": "李调解",
    "attendees": "王建国、宏达公司代表",
    "outcome": "resolved",
    "agreement_text": "宏达公司于本月底前一次性支付拖欠工资86000元。",
    "agreement_amount": "86000",
}


def advance(world: World, case: Case, to: str, *, item: Item | None = None) -> Case:
    """Drive a case along the usual path (to a department) until it reaches status `to`."""
    path = [
        (Status.ACCEPTED, lambda c: perform(c, "accept", world["clerk"])),
        (None, lambda c: perform(c, "classify", world["clerk"], data={"item": (item or world.wage_item).pk})),
        (Status.DISPATCHED, lambda c: perform(c, "dispatch", world["dispatcher"], data={"department": world.hr.pk})),
        (Status.SIGNED, lambda c: perform(c, "sign", world["hr_handler"])),
        (Status.IN_PROGRESS, lambda c: perform(c, "record_mediation", world["hr_handler"], data=MEDIATION | {
            "held_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()})),
        (Status.RESOLVED, lambda c: perform(c, "resolve", world["hr_handler"], reason="已达成协议并当场支付。")),
        (Status.CLOSED, lambda c: perform(c, "close", world["dispatcher"])),
    ]
    for status, step in path:
        if case.status == to:
            return case
        case = step(case)
        if status == to:
            return case
    return case
