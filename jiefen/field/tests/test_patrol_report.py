"""巡查上报 and 代办 through the grid worker's form: channel GRID, in the worker's grid, a photo,
the point deciding the grid; on-the-spot resolution closes at once; a resend is one case."""

import pytest
from django.urls import reverse

from jiefen.cases.models import Case, Channel, Event, MediationSession, Status
from jiefen.field.models import ProxyFiling

from .factories import OTHER_GRID, photo, report_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(world, client):
    client.force_login(world["grid_worker"])
    return world["grid_worker"]


def test_a_patrol_report_with_a_photo_and_the_phones_point_lands_in_the_grid(world, worker, client):
    response = client.post(reverse("field:report"), report_data(world, photos=photo()))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.tracking_code])
    assert (case.channel, case.region, case.status, case.created_by) == (Channel.GRID, world.grids[0], Status.SUBMITTED, worker)
    assert case.reported_item == world.property_item and case.anonymous and not case.parties.exists()
    assert case.attachments.count() == 1 and str(case.latitude) == "36.605000"
    page = client.get(response["Location"]).content.decode()
    assert "已上报，查询码" in page and "就地化解" in page  # he may still settle it himself


def test_parties_are_optional_but_a_name_needs_a_phone(world, worker, client):
    response = client.post(reverse("field:report"), report_data(world, name="赵大妈"))
    assert response.status_code == 400 and "请填写当事人的手机号，或姓名、手机号都不填。" in response.content.decode()
    client.post(reverse("field:report"), report_data(world, name="赵大妈", phone="13800001111", respondent="李某"))
    case = Case.objects.get()
    assert not case.anonymous and case.complainant.name == "赵大妈" and case.parties.count() == 2


def test_a_point_outside_the_workers_grids_is_refused_and_nothing_is_filed(world, worker, client):
    response = client.post(reverse("field:report"), report_data(world, latitude=OTHER_GRID[0], longitude=OTHER_GRID[1]))
    assert response.status_code == 400 and "所标位置不在“东关1社区第1网格”范围内" in response.content.decode()
    response = client.post(reverse("field:report"), report_data(world, region=world.grids[1].pk, latitude="", longitude=""))
    assert response.status_code == 400 and "所选地点不存在" in response.content.decode()
    assert not Case.objects.exists()


def test_resolved_on_the_spot_the_case_closes_with_the_result_and_the_mediation(world, worker, client):
    data = report_data(world, on_spot="on", result="现场劝说，住户当场清走杂物，双方无异议。", attendees="3号楼住户孙某")
    response = client.post(reverse("field:report"), data)
    case = Case.objects.get()
    assert response.status_code == 302 and case.status == Status.CLOSED
    assert case.result_summary == "现场劝说，住户当场清走杂物，双方无异议。"
    session = MediationSession.objects.get(case=case)
    assert session.mediators == str(worker) and session.attendees == "3号楼住户孙某" and session.outcome == "resolved"
    page = client.get(response["Location"]).content.decode()
    assert "已就地化解并办结" in page and "就地化解" in page


def test_a_report_filed_earlier_is_settled_later_from_the_case_page(world, worker, client):
    client.post(reverse("field:report"), report_data(world))
    case = Case.objects.get()
    response = client.post(reverse("case_act", args=[case.tracking_code, "resolve_on_spot"]), {
        "version": case.version, "mediators": "张网格", "reason": "第二天上门调解，双方和解。"})
    case.refresh_from_db()
    assert response.status_code == 302 and case.status == Status.CLOSED and case.mediations.count() == 1
    page = client.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    assert "已完成：就地化解" in page and "第二天上门调解" in page


def test_on_the_spot_without_a_result_is_refused_and_nothing_is_filed(world, worker, client):
    response = client.post(reverse("field:report"), report_data(world, on_spot="on"))
    assert response.status_code == 400 and "请填写化解结果。" in response.content.decode()
    assert not Case.objects.exists()


def test_the_same_submission_key_twice_is_one_case(world, worker, client):
    first = client.post(reverse("field:report"), report_data(world, photos=photo()))
    second = client.post(reverse("field:report"), report_data(world, photos=photo()))
    case = Case.objects.get()
    assert first["Location"] == second["Location"] == reverse("case_detail", args=[case.tracking_code])
    assert case.attachments.count() == 1
    assert "此前已经提交成功" in client.get(second["Location"]).content.decode()
    client.post(reverse("field:report"), report_data(world, submission_key="k-2"))
    assert Case.objects.count() == 2


def test_proxy_filing_makes_the_resident_the_complainant_and_records_the_worker(world, worker, client):
    response = client.post(reverse("field:proxy_new"), report_data(world, name="王奶奶", phone="13912345678"))
    case = Case.objects.get()
    assert response.status_code == 302 and case.channel == Channel.GRID and case.status == Status.SUBMITTED
    assert case.complainant.name == "王奶奶" and case.complainant.phone == "13912345678" and not case.anonymous
    filing = ProxyFiling.objects.get(case=case)
    assert filing.worker == worker
    event = Event.objects.get(case=case, action="proxy_filing")
    assert event.actor == worker and event.public
    listing = client.get(reverse("field:proxy_list")).content.decode()
    assert "王奶奶" in listing and "139****5678" in listing and case.display_code in listing
    page = client.get(reverse("case_detail", args=[case.tracking_code])).content.decode()
    assert "网格员代办" in page


def test_proxy_filing_needs_the_residents_name_and_phone(world, worker, client):
    response = client.post(reverse("field:proxy_new"), report_data(world))
    text = response.content.decode()
    assert response.status_code == 400 and "请填写代办群众的姓名。" in text and "请填写代办群众的手机号" in text
    assert not Case.objects.exists()


def test_only_grid_workers_have_the_field_pages(world, client):
    client.force_login(world["clerk"])
    for name in ("field:tasks", "field:report", "field:proxy_new", "field:proxy_list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("field:report"), report_data(world)).status_code == 403
    assert not Case.objects.exists()
    assert "网格工作" not in client.get(reverse("worklist")).content.decode()
    client.force_login(world["grid_worker"])
    assert "网格工作" in client.get(reverse("worklist")).content.decode()
