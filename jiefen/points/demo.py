"""Community orders for the demo district (清河区): the county enables points, and the grid
workers of a dozen communities have posted about thirty orders over the last three months —
most taken, done and rated by the departments, some late, some still open, in hand or waiting
for the community — so that the hall and the ranking have something to show. The orders go
through the same services as on the site; only their times are moved back afterwards.
Idempotent: a district that has orders is left alone."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.accounts.models import Membership, Role
from jiefen.taxonomy.models import Category

from . import services
from .models import EntryKind, Order, OrderStep, PointsEntry, PointsSetting

NEEDS = (
    ("小区路灯损坏需维修", "东门至3号楼之间的路灯不亮，老人夜间出行不便。", "小区东门"),
    ("楼道堆放杂物需清理", "多个单元楼道堆放纸箱和旧家具，存在消防隐患。", "3号楼各单元"),
    ("农民工讨薪政策宣讲", "辖区工地工人较多，希望人社部门来讲讲欠薪维权途径。", "社区党群服务中心"),
    ("占道经营影响通行", "早市摊贩占用消防通道，救护车曾经进不来。", "菜市场北侧通道"),
    ("老旧小区雨污管道堵塞", "下雨天污水倒灌进一楼住户，需要疏通排查。", "老街小区2号院"),
    ("独居老人家中电线老化", "社区走访发现两户独居老人家中电线老化，需要排查。", "幸福里5栋"),
    ("物业退出后的过渡管理", "物业公司撤场，垃圾清运和门岗无人管理，居民意见大。", "和平小区"),
    ("婚姻家庭纠纷调解讲座", "近期家庭矛盾求助增多，请妇联和司法所来讲一次课。", "社区活动室"),
)


def _poster(community, rng):
    memberships = list(Membership.objects.filter(
        role__in=services.COMMUNITY_ROLES, region__path__startswith=community.path).select_related("user"))
    return rng.choice(memberships).user if memberships else None


def populate(district, seed: int = 1, orders: int = 30) -> dict[str, int]:
    county = district.county
    if Order.objects.filter(community__path__startswith=county.path).exists():
        return {"orders": 0, "entries": 0}
    rng = random.Random(seed)
    PointsSetting.objects.get_or_create(region=county, defaults={"enabled": True})
    categories = list(Category.objects.filter(active=True))
    if not categories:
        return {"orders": 0, "entries": 0}
    posters = [(c, u) for c in district.communities if (u := _poster(c, rng)) is not None][:12]
    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        for i in range(orders if posters else 0):
            community, poster = posters[i % len(posters)]
            title, description, place = rng.choice(NEEDS)
            age = rng.randint(0, 85)
            order = services.post_order(poster, {
                "title": title, "description": description, "category": str(rng.choice(categories).pk),
                "place": place, "deadline": (today + dt.timedelta(days=rng.randint(3, 10))).isoformat(),
                "offered_points": str(rng.choice([0, 0, 0, 5, 10])),
            })
            made += 1
            takers = [(d, u) for d in services.covering_departments(community)
                      for u in d.memberships.filter(role=Role.HANDLER).select_related("user")[:1]]
            stage = rng.random()
            if stage < 0.12 or not takers:
                _backdate(order, age=min(age, 3), late=False)
                continue
            department, membership = rng.choice(takers)
            services.take(order, membership.user, department.pk)
            if stage < 0.22:
                _backdate(order, age=min(age, 5), late=False)
                continue
            services.complete(order, membership.user, rng.choice([
                "已安排专人到现场处理完毕。", "已联合社区完成整改，居民满意。", "已组织宣讲，发放资料一百余份。"]))
            if stage < 0.3:
                _backdate(order, age=min(age, 2), late=False)
                continue
            services.confirm(order, poster, rng.choice([5, 5, 4, 4, 4, 3, 2]), "")
            _backdate(order, age=max(age, 6), late=rng.random() < 0.15)
    return {"orders": made, "entries": PointsEntry.objects.filter(order__community__path__startswith=county.path).count()}


def _backdate(order: Order, *, age: int, late: bool) -> None:
    """Move an order's times `age` days back; a late one was posted and taken six days
    before it was completed, two days past its deadline, and loses the late penalty."""
    order.refresh_from_db()
    shift = dt.timedelta(days=age)
    early = shift + (dt.timedelta(days=6) if late else dt.timedelta(0))
    fields = {"posted_at": order.posted_at - early, "deadline": order.deadline - shift}
    if order.taken_at:
        fields["taken_at"] = order.taken_at - early
    for name in ("completed_at", "confirmed_at"):
        if getattr(order, name):
            fields[name] = getattr(order, name) - shift
    if late and order.completed_at:
        fields["deadline"] = timezone.localdate(fields["completed_at"]) - dt.timedelta(days=2)
    Order.objects.filter(pk=order.pk).update(**fields)
    for step in OrderStep.objects.filter(order=order):
        back = early if step.action in ("post", "take") else shift
        OrderStep.objects.filter(pk=step.pk).update(created_at=step.created_at - back)
    for entry in PointsEntry.objects.filter(order=order):
        PointsEntry.objects.filter(pk=entry.pk).update(created_at=entry.created_at - shift)
    rules = services.rules_for(order)
    if late and order.confirmed_at and rules.late_penalty:
        PointsEntry.objects.create(
            department=order.department, order=order, kind=EntryKind.LATE_PENALTY, amount=-rules.late_penalty,
            reason=(_("逾期完成（期限 %(deadline)s）：“%(title)s”") % {
                "deadline": fields["deadline"].isoformat(), "title": order.title})[:300],
            created_at=fields["confirmed_at"])
