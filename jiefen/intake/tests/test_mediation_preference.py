"""A resident says when filing whether they would rather be mediated online (from their phone)
or face to face; the staff see it on the case page."""

from django.test import Client

from jiefen.cases.models import Case
from jiefen.testing.factories import case_data


def test_the_resident_chooses_online_mediation_and_the_staff_see_it(world):
    client = Client()
    response = client.post("/report/", case_data(world, mediation_preference="online", submission_key="k1"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.mediation_preference == "online"
    clerk = Client()
    clerk.force_login(world["clerk"])
    page = clerk.get(f"/cases/{case.tracking_code}/").content.decode()
    assert 'data-testid="mediation-preference">线上调解<' in page


def test_no_choice_leaves_it_to_the_staff_and_a_made_up_one_is_refused(world):
    client = Client()
    assert client.post("/report/", case_data(world, submission_key="k2")).status_code == 302
    assert Case.objects.get().mediation_preference == ""
    page = client.post("/report/", case_data(world, mediation_preference="video", submission_key="k3"))
    assert page.status_code == 200 and "请选择线上调解、线下调解或由工作人员安排" in page.content.decode()
    assert Case.objects.count() == 1
