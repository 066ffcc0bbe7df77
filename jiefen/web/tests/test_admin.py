"""Administrators maintain the policy tables in the Django admin, in Chinese."""

from jiefen.accounts.models import User
from jiefen.taxonomy.models import Item
from jiefen.testing.factories import PASSWORD, advance, submit


def admin_client(client):
    User.objects.create_superuser("root", password=PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    return client


def test_admin_index_lists_the_policy_tables_in_chinese(client, world):
    page = admin_client(client).get("/admin/").content.decode()
    for name in ("区域", "职能部门", "部门类型", "用户", "岗位", "类别", "事项", "工作日历", "案件", "个人信息查看记录"):
        assert name in page, name


def test_an_item_time_limit_is_edited_in_the_admin(client, world):
    client = admin_client(client)
    item = world.wage_item
    page = client.get(f"/admin/taxonomy/item/{item.pk}/change/").content.decode()
    assert "办理时限(工作日)" in page
    data = {
        "category": item.category_id, "code": item.code, "name": item.name, "name_en": "Unpaid wages",
        "department_type": item.department_type_id, "handling_kind": item.handling_kind,
        "respond_minutes": 30, "sign_hours": 12, "handle_days": 5, "warn_percent": 70, "red_percent": 50,
        "default_risk": item.default_risk, "follow_up_days": 7, "reopen_days": 60,
        "examples": "[]", "active": "on",
        "extra_fields-TOTAL_FORMS": 1, "extra_fields-INITIAL_FORMS": 0,
        "extra_fields-0-order": 1, "extra_fields-0-code": "employer", "extra_fields-0-datatype": "singlevaluelist",
        "extra_fields-0-label": "用工单位类型", "extra_fields-0-values": "[]",
    }
    response = client.post(f"/admin/taxonomy/item/{item.pk}/change/", data)
    assert response.status_code == 200 and "单选/多选须列出选项" in response.content.decode()
    data["extra_fields-0-values"] = '[{"key": "builder", "name": "建筑施工"}]'
    response = client.post(f"/admin/taxonomy/item/{item.pk}/change/", data)
    assert response.status_code == 302
    item = Item.objects.get(pk=item.pk)
    assert (item.sign_hours, item.handle_days, item.warn_percent) == (12, 5, 70)
    assert (item.follow_up_days, item.reopen_days) == (7, 60)
    assert [(f.code, f.keys) for f in item.extra_fields.all()] == [("employer", ["builder"])]


def test_cases_are_read_only_in_the_admin(client, world):
    case = advance(world, submit(world), "dispatched")
    client = admin_client(client)
    page = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert case.tracking_code in page and "派单" in page
    assert 'name="_save"' not in page
    assert client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403
