"""Mediation organisations and about thirty mediators for the demo district (清河区): a people's
mediation committee in every street and town, the county's industry committees, a lawyers'
studio and a personal studio; the streets' mediator accounts get their profiles, and people
without an account (法律明白人, 乡贤, a psychologist, a judge, a prosecutor and police officers on
call) complete the list. Idempotent: a district that has organisations is left alone."""

from __future__ import annotations

import random

from django.db import transaction

from jiefen.accounts.models import Membership, Role
from jiefen.demo import texts
from jiefen.taxonomy.models import Category

from .models import Mediator, MediatorKind, Organisation, OrganisationKind

K = MediatorKind

# (name, kind, specialties by category code, address)
COUNTY_ORGANISATIONS = (
    ("清河区医疗纠纷人民调解委员会", OrganisationKind.MEDICAL, ("07",), "清河区健康路12号"),
    ("清河区劳动人事争议调解委员会", OrganisationKind.LABOUR, ("05",), "清河区人民路88号人社服务大厅二楼"),
    ("清河区道路交通事故调解委员会", OrganisationKind.TRAFFIC, ("08",), "清河区交警大队一楼"),
    ("清河区物业纠纷人民调解委员会", OrganisationKind.PROPERTY, ("06",), "清河区住建局三楼"),
    ("清河区婚姻家庭纠纷调解委员会", OrganisationKind.FAMILY, ("01",), "清河区妇联一楼"),
    ("正和律师调解工作室", OrganisationKind.LAWYER, ("10", "15", "05"), "清河区府前街6号"),
)

# Mediators without an account: (kind, organisation index or None, specialties, public, bio)
COUNTY_PEOPLE = (
    (K.FULL_TIME, 0, ("07",), True, "原区医院医务科科长，熟悉医疗损害鉴定程序。"),
    (K.FULL_TIME, 1, ("05",), True, "劳动争议调解十余年，擅长欠薪和工伤纠纷。"),
    (K.POLICE, 2, ("08",), True, "交警大队事故中队民警，轮值参与交通事故调解。"),
    (K.FULL_TIME, 3, ("06",), True, "熟悉物业服务合同和维修基金使用规定。"),
    (K.PSYCHOLOGIST, 4, ("01", "02"), True, "国家二级心理咨询师，擅长婚姻家庭矛盾疏导。"),
    (K.LAWYER, 5, ("10", "15"), True, "执业律师，专长合同、借贷和企业经营纠纷。"),
    (K.LAWYER, 5, ("05", "03"), True, "执业律师，长期为农民工讨薪提供法律援助。"),
    (K.JUDGE, None, ("10", "03", "17"), True, "区法院立案庭法官，轮值参与诉前调解和司法确认。"),
    (K.PROSECUTOR, None, ("17",), False, "区检察院检察官，轮值参与涉法涉诉矛盾化解。"),
    (K.POLICE, None, ("02", "12"), False, "派出所社区民警，轮值参与邻里和治安纠纷调解。"),
)
# In each town: a village elder (乡贤) and a 法律明白人 from its villages.
TOWN_PEOPLE = (
    (K.ELDER, ("03", "04", "16"), "退休老支书，村里有威望，调解宅基地和土地纠纷。"),
    (K.LEGAL, ("02", "01", "04"), "村里的法律明白人，经司法所培训。"),
)
STREET_SPECIALTIES = (("02", "06"), ("01", "02"), ("05", "10"), ("03", "16"))


def populate(district, seed: int = 1) -> dict[str, int]:
    """Create the organisations and mediators of the demo district; returns the counts."""
    county = district.county
    if Organisation.objects.filter(region__path__startswith=county.path).exists():
        return {"organisations": 0, "mediators": 0}
    rng = random.Random(seed)
    categories = {c.code: c for c in Category.objects.all()}
    taken = set(Mediator.objects.values_list("name", flat=True))

    def name() -> str:
        value, _male = texts.person_name(rng)
        while value in taken:
            value, _male = texts.person_name(rng)
        taken.add(value)
        return value

    def add(organisation, region, kind, codes, *, user=None, public=True, bio="", limit=5) -> Mediator:
        mediator = Mediator.objects.create(
            user=user, name=(user.full_name or user.username) if user else name(), kind=kind,
            organisation=organisation, region=region, bio=bio, public=public, max_open_orders=limit,
            phone=(user.phone if user else "") or texts.mobile(rng),
        )
        mediator.specialties.set([categories[c] for c in codes if c in categories])
        return mediator

    made = []
    with transaction.atomic():
        county_orgs = [
            Organisation.objects.create(name=n, kind=kind, region=county, address=address,
                                        phone=f"0536-82{rng.randint(10000, 99999)}")
            for n, kind, _codes, address in COUNTY_ORGANISATIONS
        ]
        Organisation.objects.create(name="老杨调解工作室", kind=OrganisationKind.PERSONAL, region=county,
                                    address="清河区鼓楼街3号", phone=f"0536-82{rng.randint(10000, 99999)}")
        for kind, org, codes, public, bio in COUNTY_PEOPLE:
            made.append(add(county_orgs[org] if org is not None else None, county, kind, codes, public=public,
                            bio=bio, limit=3 if kind in (K.JUDGE, K.PROSECUTOR, K.POLICE) else 6))
        accounts = Membership.objects.filter(role=Role.MEDIATOR, region__in=district.streets).select_related(
            "user", "region").order_by("region__path", "user__username")
        by_street: dict[int, list] = {}
        for m in accounts:
            by_street.setdefault(m.region_id, []).append(m.user)
        for i, street in enumerate(district.streets):
            town = street.name.endswith("镇")
            committee = Organisation.objects.create(
                name=f"{street.name}人民调解委员会", kind=OrganisationKind.PEOPLE, region=street,
                address=f"{street.name}综治中心一楼调解室", phone=f"0536-83{rng.randint(10000, 99999)}",
            )
            for k, user in enumerate(by_street.get(street.pk, [])):
                codes = STREET_SPECIALTIES[(i + k) % len(STREET_SPECIALTIES)]
                made.append(add(committee, street, K.FULL_TIME if k == 0 else K.PART_TIME, codes, user=user,
                                bio="街道综治中心调解员。" if k == 0 else "社区工作者，兼职人民调解员。"))
            if town:
                for kind, codes, bio in TOWN_PEOPLE:
                    made.append(add(committee, street, kind, codes, bio=bio, limit=3))
    return {"organisations": Organisation.objects.filter(region__path__startswith=county.path).count(),
            "mediators": len(made)}


COMMENTS = ("耐心细致，讲法讲理。", "调解及时，双方都服气。", "态度很好，就是约时间等了两天。", "很专业，给我们讲清楚了法律规定。",
            "", "", "结果还行，过程有点长。", "谢谢李老师跑了好几趟。")
REASONS = ("听邻居说这位调解员很公道。", "懂这方面的法律。", "", "", "就在我们街道，方便。")


def sample_orders(district, seed: int = 1, per_mediator: int = 4) -> int:
    """For the generated cases: past orders of the streets' mediators on closed cases whose
    mediation records name them (done, most rated), and one order waiting for each account
    holder's answer on an open case of their street, each with its timeline events. Call after
    the cases are generated; does nothing if the district already has orders."""
    import datetime as dt

    from jiefen.cases.models import Case, Event, MediationSession, Status

    from .models import MediatorOrder, OrderStatus

    county = district.county
    if MediatorOrder.objects.filter(case__region_path__startswith=county.path).exists():
        return 0
    rng = random.Random(seed)
    orders, events = [], []
    busy: set[int] = set()

    def event(case, action, when, status, label, reason, order_data):
        # the order's id is filled in once the orders are written
        events.append((orders[-1], Event(case=case, action=action, from_status=status, to_status=status,
                                         actor_label=label, reason=reason, data=order_data, public=True,
                                         created_at=when)))

    mediators = Mediator.objects.filter(region__path__startswith=county.path, user__isnull=False).select_related(
        "user", "organisation")
    for m in mediators:
        sessions = MediationSession.objects.filter(
            mediators__contains=m.name, case__status=Status.CLOSED, case__region_path__startswith=m.region_path,
        ).select_related("case").order_by("-held_at")[:per_mediator]
        for s in sessions:
            case = s.case
            if case.pk in busy or case.closed_at is None:
                continue
            busy.add(case.pk)
            ordered = max(case.created_at, s.held_at - dt.timedelta(days=1))
            answered = ordered + dt.timedelta(hours=rng.randint(1, 20))
            rated = rng.random() < 0.8
            score = rng.choice((5, 5, 5, 4, 4, 4, 3, 2)) if rated else None
            comment = rng.choice(COMMENTS) if rated else ""
            reason = rng.choice(REASONS)
            order = MediatorOrder(
                case=case, mediator=m, status=OrderStatus.DONE, by_resident=True, reason=reason,
                created_at=ordered, answered_by=m.user, answered_at=answered, ended_at=case.closed_at,
                rating=score, rating_comment=comment, rated_at=case.closed_at + dt.timedelta(days=1) if rated else None,
            )
            orders.append(order)
            who = f"{m.name}（{m.organisation}）" if m.organisation_id else m.name
            data = {"mediator_id": m.pk, "mediator": m.name, "by_resident": True}
            event(case, "mediator_ordered", ordered, Status.IN_PROGRESS, "诉求人", who + (f"：{reason}" if reason else ""),
                  data)
            event(case, "mediator_accepted", answered, Status.IN_PROGRESS,
                  f"{m.user.full_name}（{m.region.display_center} · 调解员）", m.name, data)
            if rated:
                event(case, "mediator_rated", order.rated_at, Status.CLOSED, "诉求人",
                      f"{m.name}：{score}/5" + (f"，{comment}" if comment else ""), data | {"rating": score})
        waiting = Case.objects.filter(region_path__startswith=m.region_path, status=Status.IN_PROGRESS).exclude(
            pk__in=busy).order_by("-created_at").first()
        if waiting is not None:
            busy.add(waiting.pk)
            when = max(waiting.created_at, waiting.updated_at - dt.timedelta(hours=2))
            orders.append(MediatorOrder(case=waiting, mediator=m, status=OrderStatus.REQUESTED, by_resident=True,
                                        reason="希望请您来调解。", created_at=when))
            event(waiting, "mediator_ordered", when, waiting.status, "诉求人", f"{m.name}：希望请您来调解。",
                  {"mediator_id": m.pk, "mediator": m.name, "by_resident": True})
    with transaction.atomic():
        MediatorOrder.objects.bulk_create(orders)
        for order, e in events:
            e.data = {"order_id": order.pk} | e.data
        Event.objects.bulk_create([e for _order, e in events])
    return len(orders)
