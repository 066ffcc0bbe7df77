"""The author edits and submits; a leader or supervisor of the region publishes or sends it
back with a reason; publishing tells the region's mediators."""

from django.urls import reverse

from jiefen.accounts.models import Role
from jiefen.knowledge.models import TypicalCase, TypicalStatus
from jiefen.notify.models import Notification
from jiefen.regions.models import Level
from jiefen.testing.factories import CategoryFactory, RegionFactory, staff

from .factories import closed_wage_case, typical


def _draft(client, world, author="street_mediator") -> TypicalCase:
    case = closed_wage_case(world)
    client.force_login(world[author])
    client.post(reverse("knowledge:propose", args=[case.tracking_code]))
    return TypicalCase.objects.get(source_case=case)


def _edit(client, t, **fields):
    data = {f: getattr(t, f) for f in ("title", "tags", "background", "dispute", "mediation", "result", "lessons")}
    return client.post(reverse("knowledge:edit", args=[t.pk]), data | fields)


def test_submit_publish_and_the_region_mediators_are_told(client, world):
    t = _draft(client, world)
    _edit(client, t, title="十二名农民工讨薪 总包先行清偿", lessons="抓住总承包单位先行清偿的责任。", then="submit")
    t.refresh_from_db()
    assert t.status == TypicalStatus.REVIEW and t.lessons == "抓住总承包单位先行清偿的责任。"

    other_county = RegionFactory(name="远山县", level=Level.COUNTY, parent=world.county.parent)
    far_mediator = staff(Role.MEDIATOR, region=other_county)
    west_mediator = staff(Role.MEDIATOR, region=world.streets[1])

    client.force_login(world["leader"])
    queue = client.get(reverse("knowledge:review")).content.decode()
    assert "十二名农民工讨薪" in queue
    response = client.post(reverse("knowledge:act", args=[t.pk, "publish"]), follow=True)
    assert "已发布" in response.content.decode()
    t.refresh_from_db()
    assert t.status == TypicalStatus.PUBLISHED and t.reviewer == world["leader"] and t.published_at

    told = Notification.objects.filter(kind="typical_case")
    assert set(told.values_list("user", flat=True)) == {world["street_mediator"].pk, west_mediator.pk}
    assert not told.filter(user=far_mediator).exists()
    note = told.get(user=west_mediator)
    assert "十二名农民工讨薪" in note.text and note.url == reverse("knowledge:detail", args=[t.pk])

    client.force_login(world["hr_handler"])  # any staff member reads the library
    library = client.get(reverse("knowledge:library"), {"q": "讨薪"}).content.decode()
    assert "十二名农民工讨薪" in library


def test_sent_back_with_a_reason_and_the_author_sees_it(client, world):
    t = _draft(client, world)
    client.post(reverse("knowledge:act", args=[t.pk, "submit"]))
    client.force_login(world["supervisor"])
    response = client.post(reverse("knowledge:act", args=[t.pk, "return"]), {"reason": ""})
    assert response.status_code == 400 and "请写明退回修改的理由" in response.content.decode()
    client.post(reverse("knowledge:act", args=[t.pk, "return"]), {"reason": "请补充经验启示。"})
    t.refresh_from_db()
    assert t.status == TypicalStatus.DRAFT and t.review_note == "请补充经验启示。"
    client.force_login(world["street_mediator"])
    assert "请补充经验启示。" in client.get(reverse("knowledge:edit", args=[t.pk])).content.decode()


def test_a_name_typed_back_is_refused_on_submit(client, world):
    t = _draft(client, world)
    response = _edit(client, t, background=t.background + "王建国后来又来电话。", then="submit")
    assert response.status_code == 409
    assert "王建国" in response.content.decode() and "张某" in response.content.decode()
    t.refresh_from_db()
    assert t.status == TypicalStatus.DRAFT


def test_who_may_edit_and_review(client, world):
    t = _draft(client, world)
    client.force_login(world["dispatcher"])  # not the author: cannot edit the draft, does not even see it
    assert client.get(reverse("knowledge:edit", args=[t.pk])).status_code == 404
    client.force_login(world["street_mediator"])
    client.post(reverse("knowledge:act", args=[t.pk, "submit"]))
    for name in ("street_dispatcher", "street_mediator"):  # neither a leader nor a supervisor; the author
        client.force_login(world[name])
        response = client.post(reverse("knowledge:act", args=[t.pk, "publish"]))
        assert response.status_code in (403, 404), name
    outside_leader = staff(Role.LEADER, region=RegionFactory(name="远山县", level=Level.COUNTY,
                                                            parent=world.county.parent))
    client.force_login(outside_leader)
    assert client.post(reverse("knowledge:act", args=[t.pk, "publish"])).status_code == 404
    t.refresh_from_db()
    assert t.status == TypicalStatus.REVIEW and not Notification.objects.filter(kind="typical_case").exists()


def test_withdrawn_cases_leave_the_library(client, world):
    t = _draft(client, world)
    client.post(reverse("knowledge:act", args=[t.pk, "submit"]))
    client.force_login(world["leader"])
    client.post(reverse("knowledge:act", args=[t.pk, "publish"]))
    client.post(reverse("knowledge:act", args=[t.pk, "withdraw"]), {"reason": "当事人有异议"})
    t.refresh_from_db()
    assert t.status == TypicalStatus.WITHDRAWN
    client.force_login(world["hr_handler"])
    assert t.title not in client.get(reverse("knowledge:library")).content.decode()
    assert client.get(reverse("knowledge:public_detail", args=[t.pk])).status_code == 404


def test_refusals_say_why_and_change_nothing(client, world):
    t = _draft(client, world)
    response = _edit(client, t, title="长" * 121)
    assert response.status_code == 400 and "标题不能超过120个字" in response.content.decode()
    response = _edit(client, t, title="  ")
    assert response.status_code == 400 and "请填写标题" in response.content.decode()
    mediation = t.mediation
    response = _edit(client, t, mediation="", then="submit")
    assert response.status_code == 400 and "请先填写：调解过程" in response.content.decode()
    t.refresh_from_db()
    assert t.status == TypicalStatus.DRAFT
    client.force_login(world["leader"])
    response = client.post(reverse("knowledge:act", args=[t.pk, "publish"]))
    assert response.status_code == 409 and "只有待审核的案例可以发布" in response.content.decode()
    client.force_login(world["street_mediator"])
    _edit(client, t, mediation=mediation)
    client.post(reverse("knowledge:act", args=[t.pk, "submit"]))
    assert client.post(reverse("knowledge:act", args=[t.pk, "undo"])).status_code == 404
    client.force_login(world["leader"])
    client.post(reverse("knowledge:act", args=[t.pk, "publish"]))
    response = client.post(reverse("knowledge:act", args=[t.pk, "publish"]))
    assert response.status_code == 409 and "只有待审核的案例可以发布" in response.content.decode()
    t.refresh_from_db()
    assert t.status == TypicalStatus.PUBLISHED
    assert Notification.objects.filter(kind="typical_case").count() == 1


def test_a_mediator_with_specialties_is_told_only_of_cases_in_them(world):
    """New typical cases go to the mediators whose categories they are in: a family-dispute
    specialist is not told of a wage case; a labour specialist and a mediator with no listed
    specialty are."""
    from jiefen.knowledge.services import mediators_for
    from jiefen.mediators.tests.factories import MediatorFactory
    from jiefen.taxonomy.models import Category

    family = CategoryFactory(code="09", name="婚姻家庭")
    labour = Category.objects.get(code="05")
    family_one = staff(Role.MEDIATOR, region=world.streets[0])
    labour_one = staff(Role.MEDIATOR, region=world.streets[0])
    MediatorFactory(user=family_one, region=world.streets[0], specialties=[family])
    MediatorFactory(user=labour_one, region=world.streets[0], specialties=[labour, family])
    wage_case = typical(world, region=world.streets[0])
    told = set(mediators_for(wage_case))
    assert labour_one in told and world["street_mediator"] in told  # no profile: every case
    assert family_one not in told
