"""The center reviews a proposal and assigns a grid worker; the grid worker visits on the
schedule of the level; a visit that finds things worse raises the level and brings the next
visit nearer; another street's staff see nothing of it."""

import datetime as dt

import pytest
from django.utils import timezone

from jiefen.accounts.models import Role
from jiefen.risk import services
from jiefen.risk.models import PersonStatus, RiskPerson, RiskVisit, VisitInterval
from jiefen.risk.services import RiskError
from jiefen.testing.factories import PASSWORD, staff

from .factories import family_items, id_number


@pytest.fixture
def proposed(world):
    family_items()
    person = RiskPerson.objects.create(name="刘秀英", phone="13911112222", id_number=id_number(),
                                       region=world.grids[0], level="yellow", reasons="婚姻纠纷（离婚）")
    services._history(person, "proposed", note=person.reasons, to_level="yellow")
    return person


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_center_accepts_a_proposal_and_the_first_visit_is_due_by_the_level(world, proposed, client):
    login(client, world["clerk"])
    page = client.get("/risk/review/")
    assert "刘秀英" in page.content.decode() and "婚姻纠纷（离婚）" in page.content.decode()
    assert "139****2222" in page.content.decode() and "13911112222" not in page.content.decode()

    answer = client.post(f"/risk/{proposed.pk}/accept/", {"grid_worker": world["grid_worker"].pk, "level": "red",
                                                           "back": "review"}, follow=True)
    assert "已将刘秀英列为重点人员" in answer.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == PersonStatus.ACTIVE and proposed.grid_worker == world["grid_worker"]
    assert proposed.level == "red"
    [visit] = proposed.visits.all()
    assert visit.due_date == timezone.localdate() + dt.timedelta(days=7)  # red: weekly
    assert [h.action for h in proposed.history.all()] == ["proposed", "level", "accepted"]

    again = client.post(f"/risk/{proposed.pk}/accept/", {"grid_worker": world["grid_worker"].pk})
    assert again.status_code == 409 and "已审核过" in again.content.decode()


def test_accepting_needs_a_grid_worker_of_that_place(world, proposed, client):
    elsewhere = staff(Role.GRID_WORKER, region=world.grids[3])
    login(client, world["clerk"])
    answer = client.post(f"/risk/{proposed.pk}/accept/", {"grid_worker": elsewhere.pk})
    assert answer.status_code == 400 and "不是东关1社区第1网格的网格员" in answer.content.decode()
    answer = client.post(f"/risk/{proposed.pk}/accept/", {"grid_worker": ""})
    assert answer.status_code == 400 and "请选择责任网格员" in answer.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == PersonStatus.PROPOSED and not proposed.visits.exists()
    community_worker = staff(Role.GRID_WORKER, region=world.communities[0])  # the community's own: fine
    services.accept(proposed, world["clerk"], grid_worker_id=community_worker.pk)


def test_rejecting_needs_a_reason(world, proposed, client):
    login(client, world["clerk"])
    answer = client.post(f"/risk/{proposed.pk}/reject/", {"reason": " "})
    assert answer.status_code == 400 and "请填写不予列入的理由" in answer.content.decode()
    client.post(f"/risk/{proposed.pk}/reject/", {"reason": "已调解和好，双方撤回离婚诉求。"})
    proposed.refresh_from_db()
    assert proposed.status == PersonStatus.REJECTED and "撤回" in proposed.review_note


def test_the_grid_worker_records_visits_and_the_schedule_follows_the_level(world, proposed, client):
    services.accept(proposed, world["clerk"], grid_worker_id=world["grid_worker"].pk)
    [first] = proposed.visits.all()
    assert first.due_date == timezone.localdate() + dt.timedelta(days=30)  # yellow: monthly
    RiskVisit.objects.filter(pk=first.pk).update(due_date=timezone.localdate())

    login(client, world["grid_worker"])
    assert '<span class="badge" title="今天及以前应走访">1</span>' in client.get("/work/").content.decode()
    page = client.get("/risk/visits/").content.decode()
    assert "刘秀英" in page and "今天" in page

    bad = client.post(f"/risk/visits/{first.pk}/", {"met": "yes", "level_after": "red"})
    assert bad.status_code == 400 and "请填写走访情况" in bad.content.decode()
    client.post(f"/risk/visits/{first.pk}/", {"met": "yes", "level_after": "red",
                                              "findings": "丈夫昨晚又动手，已联系派出所和妇联。"})
    proposed.refresh_from_db()
    assert proposed.level == "red"
    done, nxt = proposed.visits.order_by("id")
    assert done.done_by == world["grid_worker"] and done.met and done.level_after == "red"
    assert nxt.is_pending and nxt.due_date == timezone.localdate() + dt.timedelta(days=7)

    VisitInterval.objects.filter(level="green").update(days=120)  # policy is data
    client.post(f"/risk/visits/{nxt.pk}/", {"met": "no", "level_after": "green", "findings": "已搬离，电话回访平稳。"})
    latest = proposed.visits.order_by("-id").first()
    assert latest.due_date == timezone.localdate() + dt.timedelta(days=120)
    levels = [(h.from_level, h.to_level) for h in proposed.history.filter(action="level")]
    assert levels == [("yellow", "red"), ("red", "green")]
    page = client.get(f"/risk/{proposed.pk}/").content.decode()
    assert "丈夫昨晚又动手" in page and "等级调整" in page


def test_a_level_change_by_the_center_reschedules_and_closing_cancels(world, proposed):
    services.accept(proposed, world["clerk"], grid_worker_id=world["grid_worker"].pk)
    services.change(proposed, world["leader"], level="red", grid_worker_id=world["grid_worker"].pk,
                    reason="近期多次报警")
    [visit] = proposed.visits.all()
    assert visit.due_date == timezone.localdate() + dt.timedelta(days=7)
    services.change(proposed, world["leader"], level="red", grid_worker_id=world["grid_worker"].pk,
                    reason="走访了解", household="与母亲、两个孩子同住；丈夫已搬出。")
    proposed.refresh_from_db()
    assert proposed.household.startswith("与母亲") and proposed.history.filter(action="household").exists()
    with pytest.raises(RiskError, match="没有改动"):
        services.change(proposed, world["leader"], level="red", grid_worker_id=world["grid_worker"].pk, reason="x")
    services.close(proposed, world["leader"], reason="已迁出本区")
    visit.refresh_from_db()
    assert visit.cancelled_at is not None
    assert not services.visits_for(world["grid_worker"]).filter(done_at__isnull=True, cancelled_at__isnull=True)


def test_another_streets_staff_see_nothing(world, proposed, client):
    services.accept(proposed, world["clerk"], grid_worker_id=world["grid_worker"].pk)
    west = world["west_dispatcher"]
    login(client, west)
    assert "刘秀英" not in client.get("/risk/").content.decode()
    assert client.get(f"/risk/{proposed.pk}/").status_code == 404
    visit = proposed.visits.get()
    assert client.get(f"/risk/visits/{visit.pk}/").status_code == 404
    assert client.post(f"/risk/{proposed.pk}/close/", {"reason": "越权"}).status_code == 404
    with pytest.raises(RiskError):
        services.close(proposed, west, reason="越权")
    west_worker = staff(Role.GRID_WORKER, region=world.grids[2])
    with pytest.raises(RiskError, match="不归您负责"):
        services.record_visit(visit, west_worker, met=True, findings="x", level_after="red")

    login(client, world["street_dispatcher"])  # the east street: sees and may review
    page = client.get("/risk/?level=yellow&q=秀英").content.decode()
    assert "刘秀英" in page
    assert "刘秀英" not in client.get("/risk/?level=red").content.decode()
    assert "刘秀英" in client.get(f"/risk/?region={world.communities[0].pk}").content.decode()
    assert "刘秀英" not in client.get(f"/risk/?region={world.communities[1].pk}").content.decode()
    login(client, world["hr_handler"])  # a department: nothing
    assert "刘秀英" not in client.get("/risk/").content.decode()


def test_phone_and_id_are_masked_on_every_page(world, proposed, client):
    services.accept(proposed, world["clerk"], grid_worker_id=world["grid_worker"].pk)
    visit = proposed.visits.get()
    for user in (world["leader"], world["grid_worker"]):
        login(client, user)
        for url in (f"/risk/{proposed.pk}/", "/risk/visits/", f"/risk/visits/{visit.pk}/"):
            page = client.get(url).content.decode()
            assert "13911112222" not in page and proposed.id_number not in page
        page = client.get(f"/risk/{proposed.pk}/").content.decode()
        assert "139****2222" in page and proposed.id_number[:4] + "**********" + proposed.id_number[-4:] in page


def test_the_nav_shows_proposals_to_the_center(world, proposed, client):
    login(client, world["clerk"])
    page = client.get("/work/").content.decode()
    assert 'data-testid="risk-nav"' in page and '<span class="badge" title="待审核的列管建议">1</span>' in page
    login(client, world["hr_handler"])
    assert 'data-testid="risk-nav"' not in client.get("/work/").content.decode()


def test_the_leader_changes_the_level_on_the_persons_page(world, proposed, client):
    services.accept(proposed, world["clerk"], grid_worker_id=world["grid_worker"].pk)
    login(client, world["leader"])
    page = client.get(f"/risk/{proposed.pk}/").content.decode()
    assert 'data-testid="change-form"' in page and 'data-testid="accept-form"' not in page
    answer = client.post(f"/risk/{proposed.pk}/change/", {"level": "purple", "grid_worker": world["grid_worker"].pk,
                                                           "reason": "x"})
    assert answer.status_code == 400 and "请选择风险等级" in answer.content.decode()
    answer = client.post(f"/risk/{proposed.pk}/change/", {"level": "red", "grid_worker": world["grid_worker"].pk,
                                                           "reason": "派出所通报两次出警", "household": "独居"}, follow=True)
    assert "已保存对刘秀英的调整" in answer.content.decode()
    proposed.refresh_from_db()
    assert proposed.level == "red" and proposed.household == "独居"
    assert proposed.visits.get().due_date == timezone.localdate() + dt.timedelta(days=7)
    login(client, world["grid_worker"])  # grid workers see the page, not the center's forms
    page = client.get(f"/risk/{proposed.pk}/").content.decode()
    assert "刘秀英" in page and 'data-testid="change-form"' not in page
    assert client.post(f"/risk/{proposed.pk}/close/", {"reason": "x"}).status_code == 403
