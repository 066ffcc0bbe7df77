"""Duplicate detection on a small generated set with known repeats, same-incident cases and
near-misses: only the expected suggestions appear, of the right kind, on the timeline."""

import datetime as dt

from django.utils import timezone

from jiefen.cases.models import Case
from jiefen.incidents.models import Kind, Suggestion

WAGE = "我们在幸福路工地干了三个月活，包工头一直拖着不给工资，一共欠了我们十二个人八万多块钱。"
WAGE_AGAIN = "您好，我又来反映了，幸福路工地包工头拖欠我们十二个人的工资八万多块钱，三个月了还没给，希望尽快处理。"
WAGE_OTHER_WORKER = "我是幸福路18号工地的钢筋工，宏达劳务的包工头拖着工资不给，我们好几个人都没拿到钱，干了三个月了。"
NOISE = "楼上邻居天天半夜装修，电钻声吵得孩子没法睡觉，找物业也不管。"


def pairs(case):
    return {(s.other_id, s.kind) for s in Suggestion.objects.filter(case=case)}


def test_repeat_same_incident_and_near_misses(world, judged):
    first = judged(world)
    # the same complainant (same phone) again, from the community's other grid: a repeat
    again = judged(world, description=WAGE_AGAIN, region=world.grids[1].pk)
    # another worker of the same site, another phone: the same incident
    other_worker = judged(world, description=WAGE_OTHER_WORKER, name="李强", phone="13900001111",
                          address="幸福路18号工地")
    # same place, a different problem: nothing
    noise = judged(world, description=NOISE, name="赵敏", phone="13700002222", respondent="", address="")
    # the same problem far away (the other street): nothing
    far = judged(world, description=WAGE, region=world.grids[6].pk, name="钱进", phone="13600003333")
    # anonymous: no complainant, so never a repeat, only the same incident
    anonymous = judged(world, description=WAGE, anonymous=True, name="", phone="")

    assert pairs(first) == set()
    assert pairs(again) == {(first.pk, Kind.REPEAT)}
    assert pairs(other_worker) == {(first.pk, Kind.SAME_INCIDENT), (again.pk, Kind.SAME_INCIDENT)}
    assert pairs(noise) == set()
    assert pairs(far) == set()
    assert {kind for _other, kind in pairs(anonymous)} == {Kind.SAME_INCIDENT}
    assert first.pk in {other for other, _kind in pairs(anonymous)}

    s = Suggestion.objects.get(case=again)
    assert s.status == "suggested" and 0.5 <= s.score <= 1
    assert "幸福路工地" in s.shared_words and "same_complainant" in s.signals
    event = again.events.get(action="incident_suggested")
    assert not event.public and "发现疑似重复件" in event.reason and first.display_code in event.reason
    event = other_worker.events.filter(action="incident_suggested").first()
    assert "疑似同一事件" in event.reason


def test_the_same_text_long_ago_is_not_compared(world, judged):
    old = judged(world, region=world.grids[2].pk)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    new = judged(world, region=world.grids[2].pk, name="孙丽", phone="13500004444")
    assert pairs(new) == set()


def test_a_closed_or_declined_case_is_not_a_candidate(world, judged):
    from jiefen.cases.services import perform

    first = judged(world)
    perform(first, "decline", world["clerk"], reason="已向法院起诉。", data={"redirect": "法院"})
    again = judged(world, description=WAGE_AGAIN)
    assert pairs(again) == set()


def test_the_threshold_is_data(world, judged):
    from jiefen.incidents.defaults import load_defaults
    from jiefen.incidents.models import DuplicatePolicy

    load_defaults()
    first = judged(world)
    DuplicatePolicy.objects.update(threshold=0.99, min_text=0.9)
    again = judged(world, description=WAGE_AGAIN)
    assert pairs(again) == set()
    DuplicatePolicy.objects.update(threshold=0.5, min_text=0.1, window_days=0)
    again = judged(world, description=WAGE_AGAIN)
    assert pairs(again) == set()
    DuplicatePolicy.objects.update(window_days=30)
    again = judged(world, description=WAGE_AGAIN)
    assert {other for other, _kind in pairs(again)} >= {first.pk}
