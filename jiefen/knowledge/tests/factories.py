"""Test data of the library: a closed wage case with named parties, and typical cases."""

from __future__ import annotations

from django.utils import timezone

from jiefen.cases.models import Status
from jiefen.knowledge.models import TypicalCase, TypicalStatus
from jiefen.lib.personal import id_check_digit
from jiefen.testing.factories import advance, submit

ID_NUMBER = "11010119900307123" + id_check_digit("11010119900307123")
WAGE_TEXT = ("我叫王建国，电话13812345678，在幸福路18号工地干了三个月活，宏达建筑劳务公司的包工头赵德明老板"
             "一直拖着不给工资，一共欠了我们十二个人八万多块钱。")


def closed_wage_case(world, **overrides):
    """A wage case taken to the end: mediated (agreement of 86,000 yuan), resolved, closed."""
    data = {"description": WAGE_TEXT, "id_number": ID_NUMBER} | overrides
    return advance(world, submit(world, **data), Status.CLOSED)


def typical(world, *, title="农民工欠薪调解案例", background="", item=None, status=TypicalStatus.PUBLISHED,
            author=None, region=None, **fields) -> TypicalCase:
    item = item or world.wage_item
    return TypicalCase.objects.create(
        title=title, background=background or "某工地十二名农民工被拖欠工资八万余元。", item=item,
        category=item.category, mediation="调解员组织双方面对面调解。", result="达成协议，一次性支付。",
        region=region or world.county, author=author or world["clerk"], status=status,
        published_at=timezone.now() if status == TypicalStatus.PUBLISHED else None, **fields,
    )
