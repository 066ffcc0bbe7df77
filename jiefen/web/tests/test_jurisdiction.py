"""Nobody sees or acts on a case outside their jurisdiction: not in the worklist, not by
opening its page, not by searching for its code, not by posting an action."""

import pytest

from jiefen.cases.models import Event, Status
from jiefen.cases.scope import visible_cases
from jiefen.testing.factories import PASSWORD, advance, submit


@pytest.fixture
def cases(world):
    east = submit(world, region=world.grids[0].pk, description="东关1社区楼上装修天天砸墙，从早上七点砸到晚上九点，老人孩子都受不了。")
    west = submit(world, region=world.grids[-1].pk, description="西城2社区门口的烧烤摊油烟太大，晚上十二点还在营业，窗户都不敢开。")
    west = advance(world, west, Status.DISPATCHED)  # to the 人社局
    return {"east": east, "west": west}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "username, sees",
    [
        ("clerk", {"east", "west"}),  # county center: the whole district
        ("supervisor", {"east", "west"}),
        ("street_dispatcher", {"east"}),  # 东关街道 only
        ("west_dispatcher", {"west"}),
        ("grid_worker", {"east"}),  # 东关1社区第1网格 only
        ("hr_handler", {"west"}),  # the department's cases only
        ("housing_handler", set()),
    ],
)
def test_each_post_sees_only_its_jurisdiction(client, world, cases, username, sees):
    user = world[username]
    assert {k for k, c in cases.items() if visible_cases(user).filter(pk=c.pk).exists()} == sees
    login(client, user)
    page = client.get("/work/?tab=all").content.decode()
    for key, case in cases.items():
        assert (case.display_code in page) == (key in sees), key
        detail = client.get(f"/cases/{case.tracking_code}/")
        assert detail.status_code == (200 if key in sees else 404)
        found = client.get("/work/", {"tab": "all", "q": case.tracking_code}).content.decode()
        assert (case.display_code in found) == (key in sees)
        photo = client.get(f"/cases/{case.tracking_code}/attachments/1/")
        assert photo.status_code == 404  # no photo here, and none leaks outside scope either


def test_actions_outside_jurisdiction_change_nothing(client, world, cases):
    login(client, world["west_dispatcher"])
    east = cases["east"]
    response = client.post(f"/cases/{east.tracking_code}/act/accept/", {"version": east.version})
    assert response.status_code == 404
    east.refresh_from_db()
    assert east.status == Status.SUBMITTED and Event.objects.filter(case=east).count() == 1


def test_in_scope_but_not_my_desk_is_refused_with_a_message(client, world, cases):
    login(client, world["supervisor"])  # supervisors read, they do not accept cases
    east = cases["east"]
    response = client.post(f"/cases/{east.tracking_code}/act/accept/", {"version": east.version})
    assert response.status_code == 403
    assert "您无权对该案件执行“受理”" in response.content.decode()
    east.refresh_from_db()
    assert east.status == Status.SUBMITTED


def test_case_page_offers_only_the_actions_i_may_take(client, world, cases):
    login(client, world["hr_handler"])
    page = client.get(f"/cases/{cases['west'].tracking_code}/").content.decode()
    assert 'data-action="sign"' in page and 'data-action="return"' in page
    assert 'data-action="dispatch"' not in page and 'data-action="accept"' not in page


def test_personal_data_is_masked_and_every_unmasked_view_is_logged(client, world, cases):
    from jiefen.cases.models import PersonalDataView

    west = cases["west"]
    party = west.complainant
    login(client, world["supervisor"])  # in scope but not handling: masked, cannot unmask
    page = client.get(f"/cases/{west.tracking_code}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert client.post(f"/cases/{west.tracking_code}/reveal/", {"party": party.pk, "field": "phone", "reason": "看看"}).status_code == 403
    client.logout()
    login(client, world["hr_handler"])
    assert client.post(f"/cases/{west.tracking_code}/reveal/", {"party": party.pk, "field": "phone", "reason": ""}).status_code == 400
    response = client.post(f"/cases/{west.tracking_code}/reveal/", {"party": party.pk, "field": "phone", "reason": "电话联系诉求人"})
    assert response.content.decode() == "13812345678"
    [log] = PersonalDataView.objects.all()
    assert (log.viewer, log.case, log.field, log.reason) == (world["hr_handler"], west, "phone", "电话联系诉求人")
