"""The 民转刑 score: a repeat complainant's case shows why it scores what it does; reopenings,
failed mediations and earlier threats add up; a high score tells the center desk once; a
case classified outside family, neighbour and debt disputes has no score."""

import datetime as dt

from django.utils import timezone

from jiefen.cases.models import Case, Status
from jiefen.cases.services import perform
from jiefen.cases.workflow import Resident
from jiefen.notify.models import Notification
from jiefen.testing.factories import MEDIATION, PASSWORD, advance
from jiefen.warnings.models import RiskScore, ScoreFactor, ScorePolicy
from jiefen.warnings.services import reason_text

NEIGHBOUR = "楼上邻居家的空调外机滴水，滴在我家窗台上，说了好几次都不管。"
PHONE = "13900001111"


def reasons(case) -> list[str]:
    return [reason_text(r) for r in RiskScore.objects.get(case=case).reasons]


def test_a_repeat_complainant_scores_with_its_reasons(world, judged):
    old = judged(description=NEIGHBOUR, phone=PHONE)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=200))  # too old to count
    judged(description=NEIGHBOUR, phone=PHONE)
    judged(description=NEIGHBOUR, phone="13900002222")  # someone else
    judged(description="还是空调滴水的事，" + NEIGHBOUR, phone=PHONE)
    case = judged(description="第三次反映了，实在忍无可忍，" + NEIGHBOUR, phone=PHONE)

    score = RiskScore.objects.get(case=case)
    assert reasons(case) == ["激愤言辞：忍无可忍（+8分）", "同一诉求人重复反映：近期另有2件（+20分）"]
    assert score.score == 28 and score.level == "low"


def test_earlier_threats_failed_mediation_and_reopening_raise_it_to_high_once(world, judged):
    judged(description="邻居老是堵我家门口，我说再这样我就跟他拼了。", phone=PHONE)
    case = judged(description="又是邻居堵门的事，" + NEIGHBOUR, phone=PHONE)
    assert "诉求人此前案件有过极端言行：1次（+20分）" in reasons(case)

    case = advance(world, case, Status.IN_PROGRESS, item=world.immediate_item)  # 邻里纠纷 (02)
    case = perform(case, "record_mediation", world["hr_handler"], data=MEDIATION | {
        "outcome": "failed", "held_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()})
    assert "调解未成：1次（+10分）" in reasons(case)
    case = perform(case, "resolve", world["hr_handler"], reason="已答复。")
    case = perform(case, "close", world["dispatcher"])
    case = perform(case, "rate", Resident(case.pk), data={"satisfaction": 1})
    ScoreFactor.objects.filter(code="reopen").update(points=30, cap=30)  # as an administrator may
    case = perform(case, "reopen", Resident(case.pk), reason="对方还是天天堵门。")
    assert "案件重启：1次（+30分）" in reasons(case)

    score = RiskScore.objects.get(case=case)
    assert score.level == "high" and score.score >= 60 and score.high_notified_at
    desk = set(Notification.objects.filter(case=case, event__action="criminal_risk_high").values_list("user__username", flat=True))
    assert desk == {"clerk", "dispatcher", "leader"}
    assert case.events.filter(action="criminal_risk_high").count() == 1
    case = perform(case, "dispatch", world["dispatcher"], data={"department": world.hr.pk})
    case = perform(case, "return", world["hr_handler"], reason="不属于本部门职责。")
    assert RiskScore.objects.get(case=case).level == "high"
    assert case.events.filter(action="criminal_risk_high").count() == 1  # told once


def test_only_family_neighbour_and_debt_disputes_are_scored(world, judged, client):
    case = judged(description="实在忍无可忍，" + NEIGHBOUR)
    assert RiskScore.objects.filter(case=case).exists()  # not classified yet: scored for now
    case = perform(case, "accept", world["clerk"])
    case = perform(case, "classify", world["clerk"], data={"item": world.property_item.pk})
    assert not RiskScore.objects.filter(case=case).exists()
    ScorePolicy.objects.update(codes="01,02,10,06")
    perform(case, "classify", world["clerk"], data={"item": world.property_item.pk})
    assert RiskScore.objects.filter(case=case).exists()

    client.login(username="clerk", password=PASSWORD)
    page = client.get(f"/cases/{case.tracking_code}/").content.decode()
    assert "民转刑风险" in page and "激愤言辞：忍无可忍（+8分）" in page
