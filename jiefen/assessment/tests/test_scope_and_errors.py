"""Who sees which subjects, and what a bad request gets."""

import pytest

from jiefen.accounts.models import Role
from jiefen.assessment.models import Scheme, SubjectKind
from jiefen.testing.factories import staff

from .factories import MARCH, march_cases, scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(world):
    march_cases(world)
    return world


def names(client, user, s, **params):
    client.force_login(user)
    response = client.get("/assessment/", MARCH | {"scheme": s.pk} | params)
    assert response.status_code == 200, response.content.decode()
    return sorted(r.subject.name for r in response.context["card"].rows)


def test_a_street_leader_sees_only_the_street_center(client, march):
    centers = scheme(SubjectKind.CENTER)
    east_leader = staff(Role.LEADER, region=march.streets[0])
    assert names(client, east_leader, centers) == ["东关街道综治中心"]
    assert names(client, march["supervisor"], centers) == ["东关街道综治中心", "西城街道综治中心"]
    # Departments hang off the county: none lies in the street.
    client.force_login(east_leader)
    html = client.get("/assessment/", MARCH | {"scheme": scheme().pk}).content.decode()
    assert "您的辖区内没有该方案的考评对象" in html and "清河区人社局" not in html
    # Mediators who recorded mediation on the street's cases only.
    assert names(client, east_leader, scheme(SubjectKind.MEDIATOR)) == [str(march["hr_handler"])]


def test_a_department_sees_only_itself(client, march):
    handler = march["hr_handler"]
    assert names(client, handler, scheme()) == ["清河区人社局"]
    assert names(client, handler, scheme(SubjectKind.MEDIATOR)) == [str(handler)]
    client.force_login(handler)
    response = client.get("/assessment/", MARCH | {"scheme": scheme(SubjectKind.CENTER).pk})
    assert response.status_code == 403
    assert "部门用户只能查看本部门的考评" in response.content.decode()


@pytest.mark.parametrize("who", ["clerk", "grid_worker", "street_mediator"])
def test_posts_without_assessment_get_403_and_no_link(client, march, who):
    scheme()
    client.force_login(march[who])
    response = client.get("/assessment/", MARCH)
    assert response.status_code == 403
    assert "您没有查看考评的权限" in response.content.decode()
    assert client.get("/assessment/export/", MARCH).status_code == 403
    assert 'data-testid="assessment-nav"' not in client.get("/").content.decode()


def test_the_nav_link_shows_for_leaders(client, march):
    client.force_login(march["leader"])
    assert 'data-testid="assessment-nav"' in client.get("/").content.decode()


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get("/assessment/")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("params, message", [
    ({"period": "fortnight"}, "未知的考评期间"),
    ({"period": "custom", "start": "2026-03-31", "end": "2026-03-01"}, "开始日期不能晚于结束日期"),
    ({"period": "custom", "start": "三月", "end": ""}, "请填写正确的开始和结束日期"),
    ({"scheme": "999999"}, "该考评方案不存在或未启用"),
    ({"scheme": "abc"}, "该考评方案不存在或未启用"),
])
def test_bad_parameters_get_400_with_a_chinese_message(client, world, params, message):
    scheme()
    client.force_login(world["leader"])
    for url in ("/assessment/", "/assessment/export/"):
        response = client.get(url, MARCH | params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_an_inactive_scheme_is_not_offered(client, world):
    s = scheme()
    inactive = scheme(active=False)
    client.force_login(world["leader"])
    html = client.get("/assessment/", MARCH).content.decode()
    assert s.name in html and inactive.name not in html
    assert client.get("/assessment/", MARCH | {"scheme": inactive.pk}).status_code == 400
    Scheme.objects.update(active=False)
    response = client.get("/assessment/", MARCH)
    assert response.status_code == 400 and "还没有启用的考评方案" in response.content.decode()


def test_quarters(client, world):
    import datetime as dt

    from jiefen.assessment.services import period_of

    today = dt.date(2026, 5, 20)
    assert period_of({"period": "this_quarter"}, today)[1:] == (dt.date(2026, 4, 1), today)
    assert period_of({"period": "last_quarter"}, today)[1:] == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert period_of({"period": "last_quarter"}, dt.date(2026, 2, 1))[1:] == (
        dt.date(2025, 10, 1), dt.date(2025, 12, 31))
