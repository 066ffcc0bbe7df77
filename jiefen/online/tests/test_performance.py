"""Performance of a signed agreement: a party confirms in the room or on the tracking page
whether a term was paid; the worker's check reminds the mediator, once, of a term past its
due date and unpaid, and schedules a follow-up visit by the case's grid worker."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiefen.cases.models import Event
from jiefen.followup.models import FollowUp
from jiefen.notify.models import Notification

from .. import performance
from ..models import Term
from .factories import COMPLAINANT_PHONE, RESPONDENT_PHONE
from .test_agreement import drafted, sign


def signed(world):
    room, mediator, complainant, respondent, agreement = drafted(world)
    sign(complainant, agreement, COMPLAINANT_PHONE)
    sign(respondent, agreement, RESPONDENT_PHONE)
    agreement.refresh_from_db()
    return room, mediator, complainant, respondent, agreement


def test_an_unpaid_term_past_its_due_date_reminds_the_mediator_once_and_owes_a_visit(
        world, django_capture_on_commit_callbacks):
    room, mediator, complainant, respondent, agreement = signed(world)
    term = agreement.terms.get(seq=1)
    assert performance.check_due(timezone.now()) == 0  # not due yet

    later = timezone.now() + dt.timedelta(days=11)
    with django_capture_on_commit_callbacks(execute=True):  # the notices of the events
        assert performance.check_due(later) == 1
    note = Notification.objects.get(user=world["street_mediator"], event__action="online_overdue")
    assert "逾期未履行" in note.text and "8600.00" in note.text
    visit = FollowUp.objects.get(case=agreement.case)
    assert visit.assignee == world["grid_worker"] and visit.is_pending
    assert Event.objects.filter(case=agreement.case, action="schedule_follow_up", data__follow_up_id=visit.pk).exists()
    assert Notification.objects.filter(user=world["grid_worker"], event__action="schedule_follow_up").exists()

    assert performance.check_due(later + dt.timedelta(days=1)) == 0  # once
    term.refresh_from_db()
    assert term.reminded_at == later


def test_a_term_confirmed_paid_raises_nothing(world):
    room, mediator, complainant, respondent, agreement = signed(world)
    term = agreement.terms.get(seq=1)
    response = complainant.post(reverse("online:performance", args=[term.pk]), {"paid": "yes"})
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.paid == Term.Paid.PAID and term.paid_noted_by == "诉求人 王建国"
    assert Event.objects.filter(action="online_performance", data__paid="paid").exists()
    assert performance.check_due(timezone.now() + dt.timedelta(days=30)) == 0
    assert not FollowUp.objects.exists()
    bad = complainant.post(reverse("online:performance", args=[term.pk]), {"paid": "maybe"})
    assert bad.status_code == 400


def test_the_resident_confirms_on_the_tracking_page(world, client):
    from django.template import Context, Template

    room, mediator, complainant, respondent, agreement = signed(world)
    case, term = agreement.case, agreement.terms.get(seq=1)
    stranger = Client()
    response = stranger.post(reverse("online:track_performance", args=[case.tracking_code, term.pk]), {"paid": "no"})
    assert response.status_code == 302 and response["Location"] == reverse("track")
    term.refresh_from_db()
    assert term.paid == ""

    client.post(reverse("track"), {"code": case.tracking_code, "phone": COMPLAINANT_PHONE})
    response = client.post(reverse("online:track_performance", args=[case.tracking_code, term.pk]), {"paid": "no"})
    assert response["Location"] == reverse("track_case", args=[case.tracking_code])
    term.refresh_from_db()
    assert term.paid == Term.Paid.UNPAID
    card = Template("{% load online %}{% online_track_card case %}").render(Context({"case": case}))
    assert "未履行" in card and "8600.00" in card


def test_a_reminder_is_not_sent_for_a_superseded_agreement(world):
    room, mediator, complainant, respondent, agreement = signed(world)
    due = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    mediator.post(reverse("online:draft", args=[room.pk]), {"facts": "改为分期", "term_text": ["分期赔偿"],
                                                          "term_amount": ["8600"], "term_due": [due]})
    assert performance.check_due(timezone.now() + dt.timedelta(days=11)) == 0
