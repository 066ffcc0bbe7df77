"""The dispatcher's 派单 form preselects the routing rule's department for the matter the
case holds now, names it 建议 and says why; a street's own department wins over the county's."""

import re

import pytest

from jiefen.cases.models import Status
from jiefen.cases.services import perform
from jiefen.testing.factories import PASSWORD, DepartmentFactory, advance, submit


def classified(world):
    case = advance(world, submit(world, region=world.grids[0].pk), Status.ACCEPTED)
    return perform(case, "classify", world["clerk"], data={"item": world.wage_item.pk, "risk_grade": "general"})


def dispatch_form(client, case) -> str:
    html = client.get(f"/cases/{case.tracking_code}/").content.decode()
    return html[html.index('id="dispatch-department"'):]


@pytest.mark.django_db
def test_dispatch_form_preselects_the_routed_department(client, world):
    case = classified(world)
    assert client.login(username="dispatcher", password=PASSWORD)
    form = dispatch_form(client, case)
    assert re.search(rf'<option value="{world.hr.pk}" selected>清河区人社局（建议）</option>', form)
    reason = form[form.index('data-testid="route-reason"'):]
    assert "事项对应人社局" in reason.split("</p>")[0]


@pytest.mark.django_db
def test_the_nearest_department_of_the_type_is_suggested(client, world):
    street_hr = DepartmentFactory(name="东关街道劳动保障所", type=world.hr.type, region=world.streets[0])
    case = classified(world)
    assert client.login(username="dispatcher", password=PASSWORD)
    form = dispatch_form(client, case)
    assert re.search(rf'<option value="{street_hr.pk}" selected>东关街道劳动保障所（建议）</option>', form)
    assert f'<option value="{world.hr.pk}" selected>' not in form
