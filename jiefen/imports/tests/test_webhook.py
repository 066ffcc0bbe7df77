import json
import time

from django.core.management import call_command

from jiefen.cases.models import Case, Channel, PartyRole
from jiefen.imports.models import Delivery, Source
from jiefen.imports.webhooks import MAX_BODY, sign
from jiefen.testing.factories import wage_fields

from .conftest import order, signed_post


def test_a_signed_order_becomes_a_case_with_the_sources_channel_and_mapped_item(client, source, world):
    response = signed_post(client, source, order())
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert body["tracking_code"] == case.tracking_code
    assert body["created"] is True and body["external_id"] == "GD20261129000123"
    assert case.channel == Channel.HOTLINE_12345
    assert case.reported_item == world.wage_item
    assert (case.external_source, case.external_id) == ("12345", "GD20261129000123")
    assert case.description.startswith("工地拖欠工资\n我们在幸福路工地")  # title and text, joined
    assert case.group_size == 12 and case.amount == 86000
    assert case.region == world.county  # no place given: the source's region
    complainant = case.parties.get(role=PartyRole.COMPLAINANT)
    assert (complainant.name, complainant.phone) == ("王建国", "13812345678")
    assert case.parties.get(role=PartyRole.RESPONDENT).name == "宏达建筑劳务公司"
    assert Delivery.objects.get().case == case


def test_a_bad_signature_is_refused_and_nothing_is_saved(client, source):
    response = signed_post(client, source, order(), secret="not-the-secret")
    assert response.status_code == 401
    assert "签名不正确" in response.json()["error"]
    assert not Case.objects.exists() and not Delivery.objects.exists()


def test_a_missing_signature_is_refused(client, source):
    response = signed_post(client, source, order(), signature="")
    assert response.status_code == 401
    assert "缺少签名" in response.json()["error"]
    assert not Case.objects.exists()


def test_a_signed_body_changed_on_the_way_is_refused(client, source):
    raw = json.dumps(order(), ensure_ascii=False).encode()
    ts = int(time.time())
    response = client.post("/hooks/12345/", raw.replace("八万".encode(), "九万".encode()), content_type="application/json",
                           HTTP_X_JIEFEN_TIMESTAMP=str(ts), HTTP_X_JIEFEN_SIGNATURE=sign(source.secret, ts, raw))
    assert response.status_code == 401
    assert not Case.objects.exists()


def test_a_stale_or_future_timestamp_is_refused_even_when_signed(client, source):
    for skew in (-301, 301):
        response = signed_post(client, source, order(), timestamp=int(time.time()) + skew)
        assert response.status_code == 401
        assert "5分钟" in response.json()["error"]
    assert not Case.objects.exists() and not Delivery.objects.exists()
    assert signed_post(client, source, order(), timestamp=int(time.time()) - 200).status_code == 201


def test_a_replayed_delivery_gets_the_first_answer_and_creates_nothing(client, source):
    first = signed_post(client, source, order(), delivery="abc-1")
    again = signed_post(client, source, order(), delivery="abc-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert again.json()["duplicate"] is True
    assert Case.objects.count() == 1 and Delivery.objects.count() == 1


def test_without_a_delivery_id_the_signature_identifies_a_replay(client, source):
    ts = int(time.time())
    first = signed_post(client, source, order(), delivery="", timestamp=ts)
    again = signed_post(client, source, order(), delivery="", timestamp=ts)
    assert (first.status_code, again.status_code) == (201, 200)
    assert Case.objects.count() == 1 and Delivery.objects.count() == 1


def test_a_retry_of_the_same_order_with_a_new_delivery_id_returns_the_same_case(client, source):
    first = signed_post(client, source, order(), delivery="try-1")
    retry = signed_post(client, source, order(), delivery="try-2")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["tracking_code"] == first.json()["tracking_code"]
    assert retry.json()["created"] is False
    assert Case.objects.count() == 1
    assert Delivery.objects.count() == 2


def test_an_unmapped_category_is_refused_with_a_clear_message(client, source):
    response = signed_post(client, source, order(**{"问题分类": "交通出行/公交线路"}))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "问题分类" in errors
    assert "“交通出行/公交线路”没有对应的事项" in errors["问题分类"][0]
    assert not Case.objects.exists() and not Delivery.objects.exists()


def test_bad_fields_are_reported_in_the_senders_field_names(client, source):
    response = signed_post(client, source, order(**{"来电号码": "12345", "诉求标题": "", "诉求内容": "太短"}))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) >= {"来电号码", "诉求标题/诉求内容"}
    assert not Case.objects.exists()
    # after the sender fixes the order, the same delivery id is accepted: bad ones are not kept
    assert signed_post(client, source, order()).status_code == 201


def test_an_order_without_its_number_is_refused(client, source):
    response = signed_post(client, source, order(**{"工单编号": ""}))
    assert response.status_code == 400
    assert "缺少工单编号" in response.json()["errors"]["工单编号"][0]


def test_an_order_outside_the_sources_area_is_refused(client, source, world):
    source.region = world.streets[0]
    source.save()
    west_grid = world.grids[-1]  # in 西城街道
    source.mapping["fields"]["网格"] = "region"
    source.save()
    response = signed_post(client, source, order(**{"网格": west_grid.pk}))
    assert response.status_code == 400
    assert "不在本接口的接入区域" in json.dumps(response.json(), ensure_ascii=False)
    assert not Case.objects.exists()


def test_extra_fields_of_the_item_can_be_mapped(client, source, world):
    wage_fields(world.wage_item)
    source.mapping["fields"]["欠薪人数"] = "attributes.workers"
    source.save()
    missing = signed_post(client, source, order(), delivery="x1")
    assert missing.status_code == 400
    assert "被欠薪人数" in missing.json()["errors"]["欠薪人数"][0]
    response = signed_post(client, source, order(**{"欠薪人数": 12}), delivery="x2")
    assert response.status_code == 201
    assert Case.objects.get().attributes == {"workers": "12"}


def test_unknown_or_inactive_sources_are_not_found(client, source):
    assert signed_post(client, source, order(), code="nosuch").status_code == 404
    Source.objects.filter(pk=source.pk).update(active=False)
    response = signed_post(client, source, order())
    assert response.status_code == 404
    assert "来源不存在或已停用" in response.json()["error"]
    assert not Case.objects.exists()


def test_a_body_over_one_megabyte_is_refused(client, source):
    big = json.dumps(order(**{"诉求内容": "欠" * MAX_BODY}), ensure_ascii=False).encode()
    response = signed_post(client, source, big)
    assert response.status_code == 413
    assert not Case.objects.exists()


def test_a_body_that_is_not_json_is_refused(client, source):
    response = signed_post(client, source, b"\xff{not json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]
    response = signed_post(client, source, json.dumps(["a list"]).encode(), delivery="d-2")
    assert response.status_code == 400


def test_only_post_is_allowed(client, source):
    assert client.get("/hooks/12345/").status_code == 405


def test_a_rotated_secret_replaces_the_old_one(client, source):
    old = source.secret
    source.rotate_secret()
    assert signed_post(client, source, order(), secret=old).status_code == 401
    assert signed_post(client, source, order()).status_code == 201


def test_loading_the_default_sources_twice_changes_nothing(world, source):
    secrets = dict(Source.objects.values_list("code", "secret"))
    assert set(secrets) == {"12345", "110", "petition", "court"}
    call_command("load_sources")
    assert dict(Source.objects.values_list("code", "secret")) == secrets
    assert Source.objects.get(code="12345").region == world.county  # kept when not given


def test_a_court_referral_without_a_head_count_is_one_person(client, source, world):
    court = Source.objects.get(code="court")
    referral = {"委派案号": "（2026）鲁0902民诉前调1234号", "原告": "孙丽", "原告电话": "13700001234", "被告": "周某",
                "诉讼请求": "请求判令被告支付拖欠的劳动报酬八千元。", "事实与理由": "原告在被告处务工三个月，被告至今未结清工资。",
                "案由": "追索劳动报酬纠纷", "标的额": 8000}
    response = signed_post(client, court, referral)
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert (case.channel, case.group_size, case.reported_item) == (Channel.COURT, 1, world.wage_item)
    assert case.region == world.county


def test_odd_values_get_a_400_never_a_server_error(client, source):
    odd_values = [["a", "b"], {"x": 1}, 1e308, -1, True, "\x00", "９" * 30, "１３８１２３４５６７８"]
    n = 0
    for field_name in ("工单编号", "来电号码", "问题分类", "区划代码", "经度", "涉及人数", "涉及金额", "是否匿名", "受理时间", "诉求内容"):
        for value in odd_values:
            n += 1
            response = signed_post(client, source, order(**{field_name: value, "工单编号": f"ODD{n}"} if field_name != "工单编号"
                                                        else {field_name: value}), delivery=f"odd-{n}")
            assert response.status_code in (200, 201, 400), (field_name, value, response.content)
