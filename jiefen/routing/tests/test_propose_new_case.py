"""A new case gets the classifier's proposal (item, risk, department) on its timeline; the
case itself is left for the dispatcher to confirm."""

import pytest

from jiefen.cases.models import Case, Status
from jiefen.regions.models import Department, Level
from jiefen.routing.models import ClassifierVersion, Proposal
from jiefen.routing.services import route
from jiefen.testing.factories import DepartmentFactory, RegionFactory, submit

from .factories import WAGE_TEXT, give_examples

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clear_wage_arrears_text_is_proposed_as_wages_for_the_hr_bureau(world):
    give_examples(world)
    case = submit(world, description=WAGE_TEXT)

    p = Proposal.objects.get(case=case)
    assert p.item == world.wage_item and p.category == world.wage_item.category
    assert p.department == world.hr and p.risk_grade == "significant"
    assert p.confidence > 0.4 and p.reasons
    [version] = ClassifierVersion.objects.all()  # day one: trained from the examples
    assert version.active and version.trained_examples == 57 and p.version == version

    event = case.events.get(action="propose_classification")
    assert not event.public and event.actor is None
    assert event.reason.startswith("系统建议：劳动争议与欠薪 / 农民工欠薪，置信度 ")
    assert "依据：" in event.reason and "建议派往 清河区人社局（事项对应人社局，发生地在东关街道）" in event.reason
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.SUBMITTED and case.item is None and case.department is None


def test_no_examples_no_model_no_proposal(world):
    case = submit(world)
    assert not Proposal.objects.filter(case=case).exists()
    assert not case.events.filter(action="propose_classification").exists()


def test_route_prefers_the_department_nearest_the_place_and_falls_back_to_the_street_center(world):
    give_examples(world)
    case = submit(world, description=WAGE_TEXT)
    street_hr = DepartmentFactory(name="东关街道劳动保障所", type=world.hr.type, region=world.streets[0])
    assert route(world.wage_item, case).department == street_hr
    street_hr.active = False
    street_hr.save()
    assert route(world.wage_item, case).department == world.hr

    # 街道/乡镇 items have no department in the world: the street's own center takes them
    r = route(world.immediate_item, case)
    assert r.department is None and r.center == world.streets[0]
    assert "由发生地东关街道属地办理" in r.reason
    # a place whose street has no center of its own under the case's center: the case's center
    assert Department.objects.filter(type=world.immediate_item.department_type).count() == 0
    orphan = RegionFactory(name="飞地", level=Level.COMMUNITY, parent=world.county)
    case.region = orphan
    r = route(world.immediate_item, case)
    assert r.center == case.center and "由本中心办理" in r.reason


def test_a_case_filed_against_the_county_is_routed_by_the_place_its_address_names(world):
    give_examples(world)
    street_hr = DepartmentFactory(name="东关街道劳动保障所", type=world.hr.type, region=world.streets[0])
    case = submit(world, description=WAGE_TEXT, region=world.county.pk, address="东关街道幸福路18号工地")
    p = Proposal.objects.get(case=case)
    assert p.department == street_hr
    assert "建议派往 东关街道劳动保障所（事项对应人社局，发生地在东关街道（据地址判断））" in (
        case.events.get(action="propose_classification").reason)

    nowhere = submit(world, description=WAGE_TEXT, region=world.county.pk, address="某某路1号")
    assert Proposal.objects.get(case=nowhere).department == world.hr  # nothing named: the county's
