"""Below the confidence threshold a new case waits on the manual-classification queue; the
clerk adopts the proposal with one button, or corrects it, and the verdict is kept."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from jiefen.accounts.models import User
from jiefen.cases.models import Case, Status
from jiefen.cases.services import perform
from jiefen.routing.admin import ClassifierVersionAdmin
from jiefen.routing.models import ClassifierVersion, Proposal, RoutingPolicy
from jiefen.routing.services import training_rows
from jiefen.testing.factories import PASSWORD, advance, submit

from .factories import PROPERTY_TEXT, WAGE_TEXT, give_examples

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def strict(world):
    give_examples(world)
    RoutingPolicy.objects.create(confidence_threshold=1.0)  # every proposal to the queue
    return world


def test_a_low_confidence_case_is_on_the_queue_oldest_first_for_center_staff_only(strict, client):
    w = strict
    first = submit(w, description=WAGE_TEXT)
    second = submit(w, description=PROPERTY_TEXT)
    assert Proposal.objects.get(case=first).needs_manual

    client.login(username="clerk", password=PASSWORD)
    page = client.get("/routing/queue/").content.decode()
    assert page.index(first.display_code) < page.index(second.display_code)
    assert "农民工欠薪" in page and "共 2 件" in page
    work = client.get("/work/").content.decode()
    assert 'data-testid="routing-nav"' in work and '<span class="badge" title="系统建议置信度不足、尚未分类的案件">2</span>' in work

    perform(first, "classify", w["clerk"], data={"item": w.wage_item.pk})  # classified: off the queue
    page = client.get("/routing/queue/").content.decode()
    assert first.display_code not in page and second.display_code in page

    client.logout()
    client.login(username="hr_handler", password=PASSWORD)  # a department handler does not classify
    assert client.get("/routing/queue/").status_code == 403
    assert 'data-testid="routing-nav"' not in client.get("/work/").content.decode()
    client.logout()
    client.login(username="west_dispatcher", password=PASSWORD)  # the other street: not in scope
    assert second.display_code not in client.get("/routing/queue/").content.decode()


def test_a_confident_proposal_stays_off_the_queue(world, client):
    give_examples(world)
    RoutingPolicy.objects.create(confidence_threshold=0.01)
    case = submit(world, description=WAGE_TEXT)
    client.login(username="clerk", password=PASSWORD)
    assert case.display_code not in client.get("/routing/queue/").content.decode()
    assert "没有待人工分类的案件" in client.get("/routing/queue/").content.decode()


def test_adopting_the_proposal_classifies_the_case_and_counts_as_accepted(strict, client):
    w = strict
    case = submit(w, description=WAGE_TEXT)
    client.login(username="clerk", password=PASSWORD)
    page = client.get(f"/cases/{case.tracking_code}/").content.decode()
    assert 'data-testid="routing-card"' in page and "采用建议" in page and "需人工分类" in page
    assert "分类派单建议" in page and "系统建议：劳动争议与欠薪 / 农民工欠薪" in page  # the timeline entry
    # the 分类定级 form itself comes preset to the proposal
    assert f'<option value="{w.wage_item.pk}" selected>' in page and 'data-testid="classify-proposed"' in page
    assert '<option value="significant" selected>' in page

    response = client.post(f"/cases/{case.tracking_code}/act/classify/", {
        "version": case.version, "item": w.wage_item.pk, "risk_grade": "significant"})
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.item == w.wage_item and case.risk_grade == "significant"
    p = Proposal.objects.get(case=case)
    assert p.outcome == "accepted" and p.decided_by == w["clerk"]
    page = client.get(f"/cases/{case.tracking_code}/").content.decode()
    assert "已采纳建议" in page and 'data-testid="adopt-proposal"' not in page


def test_a_correction_is_kept_shown_counted_per_version_and_becomes_training_data(strict, client):
    w = strict
    case = submit(w, description=WAGE_TEXT)
    perform(case, "classify", w["clerk"], data={"item": w.property_item.pk})
    p = Proposal.objects.get(case=case)
    assert p.outcome == "corrected" and p.final_item == w.property_item

    client.login(username="clerk", password=PASSWORD)
    page = client.get(f"/cases/{case.tracking_code}/").content.decode()
    assert "已更正为 物业服务 / 物业服务纠纷" in page

    rows = training_rows()
    assert rows.cases == 1 and rows.labels[rows.texts.index(WAGE_TEXT)] == w.property_item.code

    admin_user = User.objects.create_superuser("root", password=PASSWORD)
    request = RequestFactory().get("/")
    request.user = admin_user
    version = ClassifierVersionAdmin(ClassifierVersion, site).get_queryset(request).get()
    assert ClassifierVersionAdmin.correction_rate(None, version) == "100.0%（1/1）"
    client.force_login(admin_user)
    listing = client.get("/admin/routing/classifierversion/").content.decode()
    assert "100.0%（1/1）" in listing
    detail = client.get(f"/admin/routing/classifierversion/{version.pk}/change/").content.decode()
    assert 'data-testid="per-class"' in detail and "<td>劳动争议与欠薪 / 农民工欠薪</td><td>1.000</td>" in detail


def test_no_adopt_button_for_who_may_not_classify(strict, client):
    case = advance(strict, submit(strict, description=WAGE_TEXT), Status.DISPATCHED)
    client.login(username="clerk", password=PASSWORD)
    page = client.get(f"/cases/{case.tracking_code}/").content.decode()
    assert 'data-testid="routing-card"' in page and 'data-testid="adopt-proposal"' not in page
