"""An October 2026 in 清河区 to write reports about, with every section of the report filled."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from jiefen.cases.models import Status
from jiefen.testing.factories import advance, submit

TZ = ZoneInfo("Asia/Shanghai")
EMPLOYER = "鑫源建设工程有限公司"
BURST = [
    "在鑫源的海棠湾项目干了半年钢筋，工资一分没拿到，项目经理说等开发商回款。",
    "我们班组十几个人在海棠湾工地做模板，鑫源欠了我们大半年的工钱。",
    "海棠湾工地停工了，总包鑫源公司拖欠农民工工资，老板电话打不通。",
    "我是海棠湾项目的电焊工，鑫源建设拖欠工资五个多月，家里等着钱用。",
    "鑫源公司在海棠湾的工地欠我们木工班的工资，去要了好几次都说没钱。",
]
THREAT = "包工头欠薪三个月不给，再不给钱我就去跳楼，说到做到。"


def october(world, judged_commit) -> dict:
    """Two cases in September; in October (Tuesday the 6th): one threat (跳楼, raised to
    重大, a red sheet), five wage cases against one employer in the east street (a group
    warning), one wage case of 12 workers resolved and closed, and one case in the west street.
    `judged_commit` is django_capture_on_commit_callbacks: the judging layers run as in the worker."""
    from jiefen.incidents.defaults import load_defaults as load_bursts
    from jiefen.warnings.defaults import load_defaults as load_words

    load_words()
    load_bursts()
    out: dict = {}

    def judged(**overrides):
        with judged_commit(execute=True):
            case = submit(world, **overrides)
        case.refresh_from_db()
        return case

    with time_machine.travel(dt.datetime(2026, 9, 20, 10, 0, tzinfo=TZ), tick=False):
        out["september"] = [judged(group_size=1), judged(group_size=1, region=world.grids[-1].pk)]
    with time_machine.travel(dt.datetime(2026, 10, 6, 9, 0, tzinfo=TZ), tick=False) as t:
        out["threat"] = judged(description=THREAT, group_size=1, name="赵某", phone="13800001111")
        out["burst"] = [
            judged(description=text, region=world.grids[n % 4].pk, respondent=EMPLOYER, name=f"工人{n}",
                   phone=f"1390000{n:04d}", group_size=20, amount="500000", address="")
            for n, text in enumerate(BURST)]
        resolved = judged()
        t.shift(dt.timedelta(hours=2))
        out["resolved"] = advance(world, resolved, Status.CLOSED)
        out["west"] = judged(region=world.grids[-1].pk, group_size=1)
    return out
