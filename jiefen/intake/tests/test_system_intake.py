"""The machines' intake form: place found by code, point or address; the item's extra fields
checked; the sender's own reference makes a second push the same case."""

import pytest
from django.core.exceptions import ValidationError

from jiefen.cases.models import Case, Channel
from jiefen.intake.forms import SystemIntakeForm
from jiefen.intake.services import submit_case
from jiefen.testing.factories import case_data, wage_fields

pytestmark = pytest.mark.django_db


def file(world, *, within=None, **overrides):
    return submit_case(case_data(world, **overrides), channel=Channel.API, form_class=SystemIntakeForm,
                       form_kwargs={"within": within})


def errors_of(world, **kwargs) -> dict:
    with pytest.raises(ValidationError) as info:
        file(world, **kwargs)
    assert Case.objects.count() == 0
    return {k: " ".join(str(m) for v in vs for m in v.messages) for k, vs in info.value.error_dict.items()}


def test_place_by_division_code(world):
    grid = world.grids[1]
    grid.division_code = "370102001002"
    grid.save()
    assert file(world, region="370102001002").region == grid


def test_place_found_from_the_point_alone(world):
    # the second grid of the first community is its east half: 117.01–117.02
    case = file(world, region="", latitude="36.61", longitude="117.015")
    assert case.region == world.grids[1]


def test_place_found_from_the_address_alone(world):
    case = file(world, region="", address=f"{world.communities[2].name}幸福路3号")
    assert case.region == world.communities[2]


def test_place_defaults_to_the_callers_region(world):
    assert file(world, region="", within=world.streets[1]).region == world.streets[1]


def test_a_caller_cannot_file_outside_its_region(world):
    errors = errors_of(world, within=world.streets[1], region=world.grids[0].pk)
    assert "不在本接口的接入区域" in errors["region"]


def test_no_place_at_all_is_refused(world):
    assert "请提供事发地点" in errors_of(world, region="")["region"]


def test_extra_fields_are_checked_and_normalised(world):
    wage_fields(world.wage_item)
    case = file(world, item="0501", attributes={"workers": "12", "stopped": "2026-11-20", "employer": "builder",
                                                 "proof": ["iou", "chat"]})
    assert case.reported_item == world.wage_item
    assert case.attributes["workers"] == "12"
    assert case.attributes["stopped"].startswith("2026-11-20T00:00:00")
    assert case.attributes["proof"] == ["iou", "chat"]


@pytest.mark.parametrize("attributes, message", [
    ({}, "请填写“被欠薪人数”（workers）"),
    ({"workers": "十二"}, "应为数字"),
    ({"workers": "3", "stopped": "上周"}, "日期时间格式不对"),
    ({"workers": "3", "employer": "farm"}, "没有选项“farm”"),
    ({"workers": "3", "proof": ["iou", "photo"]}, "没有选项“photo”"),
    ({"workers": "3", "colour": "red"}, "没有补充字段“colour”"),
])
def test_bad_extra_fields_are_refused_by_code(world, attributes, message):
    wage_fields(world.wage_item)
    assert message in errors_of(world, item="0501", attributes=attributes)["attributes"]


def test_unknown_item_code(world):
    assert "事项代码不存在" in errors_of(world, item="9999")["item"]


def test_the_same_work_order_twice_is_one_case(world):
    first = file(world, external_source="12345", external_id="GD20261129001")
    again = file(world, external_source="12345", external_id="GD20261129001", description="重复推送的同一工单内容，应当不会新建案件。")
    assert first.created and not again.created
    assert again.pk == first.pk and Case.objects.count() == 1


def test_a_point_outside_every_outline_of_the_place_is_refused(world):
    # the county and streets have no outline of their own; their communities do
    errors = errors_of(world, region="", within=world.county, latitude="30.5", longitude="114.3")
    assert "所标位置不在“清河区”范围内" in errors["latitude"]
    errors = errors_of(world, region=world.streets[0].pk, latitude="36.61", longitude="117.065")
    assert "不在“东关街道”范围内" in errors["latitude"]  # a point in the other street's community


def test_a_nul_character_in_the_senders_reference_is_bad_input(world):
    assert "非法字符" in errors_of(world, external_source="12345", external_id="GD\x00001")["external_id"]
