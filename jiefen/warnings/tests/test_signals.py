"""A threat in a new case: the signal on the case, the red sheet, the timeline entry, and the
notices to the case's community and center (not to another community's staff); once per
kind; handled by staff with a note, which clears the sheet."""

import pytest

from jiefen.accounts.models import Role
from jiefen.cases.models import Status
from jiefen.cases.services import perform
from jiefen.notify.models import Notification
from jiefen.sla.sheet_models import Sheet, SheetColour
from jiefen.sla.sheets import tick
from jiefen.testing.factories import PASSWORD, advance, staff
from jiefen.warnings.models import ThreatSignal
from jiefen.warnings.services import WarningError, handle, signals_for

THREAT = "包工头欠了我们八万多块钱，再不给钱我就从楼上跳下去。"


@pytest.fixture
def people(world):
    community = world.communities[0]  # 东关1社区, over grids[0] where the case happens
    return {
        "community_staff": staff(Role.CLERK, region=community, username="community_clerk"),
        "other_grid": staff(Role.GRID_WORKER, region=world.grids[1], username="grid_two"),  # same community
        "far_grid": staff(Role.GRID_WORKER, region=world.grids[2], username="far_grid"),  # 东关2社区
        "far_staff": staff(Role.CLERK, region=world.communities[2], username="far_clerk"),  # 西城1社区
    }


def told(case) -> set[str]:
    return set(Notification.objects.filter(case=case, event__action="threat_signal").values_list("user__username", flat=True))


def test_a_threat_raises_a_red_sheet_and_tells_the_community_and_center(world, people, judged):
    case = judged(description=THREAT)

    [signal] = ThreatSignal.objects.filter(case=case)
    assert signal.kind == "jump" and signal.phrase == "从楼上跳下去" and signal.is_open
    assert "再不给钱我就从楼上跳下去" in signal.excerpt

    [sheet] = Sheet.objects.filter(case=case)
    assert sheet.colour == SheetColour.RED and sheet.clock is None and sheet.is_open
    assert "从楼上跳下去" in sheet.reason and sheet.recipient_role == Role.SUPERVISOR
    assert signal.sheet == sheet

    event = case.events.get(action="threat_signal")
    assert not event.public and event.reason.startswith("发现极端行为苗头：“从楼上跳下去”（跳楼）")
    assert case.events.filter(action="raise_sheet", data__sheet_id=sheet.pk).exists()

    assert told(case) == {"grid_worker", "grid_two", "community_clerk", "clerk", "dispatcher", "leader", "supervisor"}
    # the supervisors also get the red sheet itself
    assert Notification.objects.filter(user=world["supervisor"], event__action="raise_sheet", case=case).exists()


def test_no_notice_to_another_community_nor_departments(world, people, judged):
    case = judged(description=THREAT)
    assert not told(case) & {"far_grid", "far_staff", "hr_handler", "street_dispatcher", "west_dispatcher"}


def test_once_per_case_per_kind(world, people, judged):
    case = judged(description="他说要跳楼，还说要跳楼，又说要拿刀去找包工头。")
    assert sorted(ThreatSignal.objects.filter(case=case).values_list("kind", flat=True)) == ["jump", "knife"]
    assert Sheet.objects.filter(case=case).count() == 1
    assert case.events.filter(action="threat_signal").count() == 1

    # written again later in a handling note: nothing new for the same kind
    case = advance(world, case, Status.SIGNED)
    case = perform(case, "record_handling", world["hr_handler"], reason="电话联系，对方仍说要跳楼。")
    assert ThreatSignal.objects.filter(case=case).count() == 2
    # a new kind in a note is a new signal, on the same open sheet
    perform(case, "record_handling", world["hr_handler"], reason="当事人扬言要烧了他家。")
    assert ThreatSignal.objects.filter(case=case, kind="arson", source="event").exists()
    assert Sheet.objects.filter(case=case, clock__isnull=True).count() == 1


def test_no_threat_no_signal(world, judged):
    case = judged(description="我不会跳楼的，只是希望尽快把工资结清。")
    assert not ThreatSignal.objects.filter(case=case).exists()
    assert not Sheet.objects.filter(case=case).exists()
    assert not case.events.filter(action="threat_signal").exists()


def test_handling_a_signal_clears_the_sheet_and_the_tick_leaves_it_alone(world, people, judged):
    case = judged(description="他说要跳楼，还说要拿刀去找包工头。")
    jump, knife = ThreatSignal.objects.filter(case=case).order_by("kind")
    with pytest.raises(WarningError) as err:
        handle(jump, world["grid_worker"], "  ")
    assert err.value.http_status == 400 and "请填写处置情况" in err.value.message
    with pytest.raises(WarningError) as err:
        handle(jump, world["hr_handler"], "已处理")  # a department that does not hold the case
    assert err.value.http_status == 403

    handle(jump, world["grid_worker"], "已上门稳控，当事人情绪平稳。")
    sheet = Sheet.objects.get(case=case)
    assert sheet.is_open  # the knife is still open
    tick()
    assert Sheet.objects.get(pk=sheet.pk).is_open
    handle(knife, world["clerk"], "已联系派出所民警一同上门。")
    sheet.refresh_from_db()
    assert not sheet.is_open and sheet.cleared_reason == "极端行为苗头已处置"
    with pytest.raises(WarningError) as err:
        handle(knife, world["clerk"], "再来一次")
    assert err.value.http_status == 409
    assert case.events.filter(action="handle_threat").count() == 2


def test_the_list_is_scoped_and_the_page_handles(world, people, judged, client):
    east = judged(description=THREAT)
    west = judged(description="邻居为了地界的事扬言要捅死他。", region=world.grids[4].pk)  # 西城街道
    assert set(signals_for(world["street_dispatcher"])) == set(ThreatSignal.objects.filter(case=east))
    assert set(signals_for(world["west_dispatcher"])) == set(ThreatSignal.objects.filter(case=west))
    assert signals_for(world["clerk"]).count() == 2

    client.login(username="street_dispatcher", password=PASSWORD)
    page = client.get("/warnings/").content.decode()
    assert east.display_code in page and west.display_code not in page
    assert 'data-testid="warnings-open">1<' in page
    west_signal = ThreatSignal.objects.get(case=west)
    assert client.get(f"/warnings/{west_signal.pk}/").status_code == 404

    signal = ThreatSignal.objects.get(case=east)
    response = client.post(f"/warnings/{signal.pk}/", {"note": ""})
    assert response.status_code == 400 and "请填写处置情况" in response.content.decode()
    response = client.post(f"/warnings/{signal.pk}/", {"note": "街道已派人上门。"}, follow=True)
    assert "已记录处置情况" in response.content.decode()
    assert "没有未处置的预警" in response.content.decode()
    response = client.post(f"/warnings/{signal.pk}/", {"note": "again"})
    assert response.status_code == 409 and "已经处置过了" in response.content.decode()


def test_the_case_page_shows_the_signal_highlighted(world, judged, client):
    case = judged(description=THREAT)
    client.login(username="clerk", password=PASSWORD)
    page = client.get(f"/cases/{case.tracking_code}/").content.decode()
    assert '<mark class="threat">从楼上跳下去</mark>' in page
    assert "发现极端行为苗头" in page  # the timeline, by its label
    sheet = Sheet.objects.get(case=case)
    detail = client.get(f"/work/sheets/{sheet.pk}/")
    assert detail.status_code == 404  # the clerk is not the red sheet's recipient
    client.login(username="supervisor", password=PASSWORD)
    detail = client.get(f"/work/sheets/{sheet.pk}/").content.decode()
    assert "无时限：因风险发出，风险处置后解除" in detail and "从楼上跳下去" in detail
    listing = client.get("/work/sheets/").content.decode()
    assert sheet.number in listing and "（风险预警）" in listing


def test_a_threat_raises_the_risk_grade_through_the_workflow_never_lowers_it(world, judged):
    case = judged(description=THREAT)
    case.refresh_from_db()
    assert case.risk_grade == "major"
    event = case.events.get(action="set_risk")
    assert event.actor is None and event.actor_label == "系统"
    assert event.data == {"risk_grade": "major", "before": "general"}
    assert "从楼上跳下去" in event.reason and "自动调高" in event.reason

    calm = judged(description="楼上邻居装修天天打电钻，吵得孩子没法写作业，希望社区协调一下。")
    calm.refresh_from_db()
    assert calm.risk_grade == "general" and not calm.events.filter(action="set_risk").exists()


def test_the_system_may_raise_a_grade_but_not_take_other_actions(world):
    from jiefen.cases.services import ActionError
    from jiefen.cases.workflow import System
    from jiefen.testing.factories import submit

    case = submit(world)
    with pytest.raises(ActionError):
        perform(case, "accept", System())
