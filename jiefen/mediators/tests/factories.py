"""Organisations and mediators for the tests, and a resident's browser session on a case."""

from __future__ import annotations

import factory
from django.test import Client
from django.urls import reverse

from jiefen.cases.models import Case
from jiefen.mediators.models import Mediator, MediatorKind, Organisation, OrganisationKind


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"第{n}人民调解委员会")
    kind = OrganisationKind.PEOPLE
    phone = "0536-8201234"


class MediatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mediator
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"调解员{n}")
    kind = MediatorKind.FULL_TIME
    organisation = factory.SubFactory(OrganisationFactory, region=factory.SelfAttribute("..region"))
    phone = factory.Sequence(lambda n: f"1390000{n:04d}")
    max_open_orders = 3

    @factory.post_generation
    def specialties(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.specialties.set(extracted)


def resident(case: Case, phone: str = "13812345678") -> Client:
    """A browser session of the complainant, who proved the tracking code with their phone."""
    client = Client()
    response = client.post(reverse("track"), {"code": case.tracking_code, "phone": phone})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def roster(world) -> dict[str, Mediator]:
    """Mediators around the test county: 李桂兰 at 东关 street (the account street_mediator),
    赵律师 at the county (lawyer, labour disputes), 孙乡贤 at 西城 street, and 钱民警 at the county,
    on call and not public."""
    from jiefen.taxonomy.models import Category

    labour = Category.objects.get(code="05")
    neighbours = Category.objects.get(code="02")
    east, west = world.streets
    committee = OrganisationFactory(name="东关街道人民调解委员会", region=east)
    labour_org = OrganisationFactory(name="清河区劳动争议调解委员会", kind=OrganisationKind.LABOUR, region=world.county)
    return {
        "east": MediatorFactory(name="李桂兰", user=world["street_mediator"], region=east, organisation=committee,
                                specialties=[neighbours, labour], bio="从事人民调解二十年。"),
        "county": MediatorFactory(name="赵律师", kind=MediatorKind.LAWYER, region=world.county,
                                  organisation=labour_org, specialties=[labour]),
        "west": MediatorFactory(name="孙乡贤", kind=MediatorKind.ELDER, region=west, organisation=None),
        "hidden": MediatorFactory(name="钱民警", kind=MediatorKind.POLICE, region=world.county, public=False,
                                  organisation=None),
    }


def mediated_case(world, mediator, *, close: bool = True, **case_fields) -> Case:
    """A case the mediator took (ordered, accepted) and, unless `close` is False, that was then
    resolved and closed: the order is done and the resident may rate it."""
    from jiefen.cases.models import Status
    from jiefen.cases.services import perform
    from jiefen.mediators.services import answer, place_order
    from jiefen.testing.factories import advance, submit

    case = advance(world, submit(world, **case_fields), Status.IN_PROGRESS)
    order = place_order(case, mediator.pk, world["dispatcher"])
    answer(order, mediator.user or world["dispatcher"], accept=True)
    if close:
        case = perform(case, "resolve", world["hr_handler"], reason="双方达成协议")
        case = perform(case, "close", world["dispatcher"])
    return case
