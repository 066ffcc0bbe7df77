"""The default duplicate policy and group-burst rules (`jiefen load-defaults`). Idempotent:
an existing row (perhaps edited by an administrator) is left as it is."""

from __future__ import annotations

from django.db import transaction

from jiefen.regions.models import Level

from .models import BurstRule, DuplicatePolicy, Subject

# Greetings, closings and channel prefixes residents and clerks use whatever the matter:
# taken out before texts are compared, so that two cases do not look alike for saying them.
IGNORE_PHRASES = """
您好
你好
领导您好
你好，我想反映个事
反映一个问题
求助
我想咨询一下
麻烦领导给看看
希望尽快处理
希望政府帮忙解决，谢谢
盼复
这个事拖了很久了，希望有人管一管
请尽快给个答复
谢谢你们了
实在没办法了才来反映的
打12345说让找你们
希望能有个说法
麻烦尽快派人来看看
我们老百姓实在耗不起了
已经找过物业好几次了，一直没人管
物业就是拖着不办，请领导督促一下
马上过年了，大家都等着这钱回家
找了老板好多次，电话都不接了
我们干活的挣点钱不容易，求帮忙要回来
都是邻居，闹成这样也不好看，希望社区出面调解一下
找过社区一次了，还是没解决
村里也管不了，只能找你们了
找过村委好几次了，一直推
打过好几次电话了，来了看一眼就走了
晚上根本睡不着觉
居民反映
巡查中群众反映
入户走访时了解到
来电人反映
来电称
12345热线转办
市民来电反映
110转非警务警情
报警人称
来信反映
来访人反映
诉前委派调解
法院诉前委派
当事人称
"""

BURST_RULES = [
    # Danzhou: 130 workers, 3.05 million yuan unpaid at one site — one employer, one street.
    {"name": "同一用工单位/被反映人（街道，72小时，5件）", "subject": Subject.RESPONDENT,
     "scope_level": Level.STREET, "window_hours": 72, "min_cases": 5},
    {"name": "同一地址（街道，48小时，5件）", "subject": Subject.ADDRESS,
     "scope_level": Level.STREET, "window_hours": 48, "min_cases": 5},
    {"name": "相似诉求（街道，48小时，6件）", "subject": Subject.TEXT,
     "scope_level": Level.STREET, "window_hours": 48, "min_cases": 6, "text_threshold": 0.5},
    {"name": "同一事项（社区，24小时，8件）", "subject": Subject.ITEM,
     "scope_level": Level.COMMUNITY, "window_hours": 24, "min_cases": 8},
]


@transaction.atomic
def load_defaults() -> dict[str, int]:
    _policy, created = DuplicatePolicy.objects.get_or_create(
        name="默认", defaults={"ignore_phrases": IGNORE_PHRASES.strip()}
    )
    rules = 0
    for spec in BURST_RULES:
        _rule, made = BurstRule.objects.get_or_create(name=spec["name"], defaults=spec)
        rules += made
    return {"duplicate_policies": int(created), "burst_rules": rules}
