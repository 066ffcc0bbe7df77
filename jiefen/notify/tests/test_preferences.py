"""On the 提醒 page a user chooses, per kind of notice, the channels besides in-app; the next
notices follow the choice. The page lists the latest notices with the unread ones marked."""

import re

from django.core import mail
from django.test import Client

from jiefen.notify.models import Preference, WebhookEndpoint
from jiefen.notify.services import announce, notify_for_event, tell

from .factories import dispatched


def test_choices_are_saved_and_applied(world, django_capture_on_commit_callbacks):
    user = world["hr_handler"]
    user.email = "hr@qinghe.gov.cn"  # no phone on file
    user.save()
    client = Client()
    client.force_login(user)

    page = client.get("/work/notifications/").content.decode()
    assert "h***@qinghe.gov.cn" in page and "未登记手机号" in page
    assert 'name="warning:email" aria-label="预警 邮件" checked>' in page  # the default for warnings
    assert 'name="assignment:email" aria-label="派单交办 邮件">' in page
    assert 'name="warning:sms" aria-label="预警 短信" disabled>' in page

    response = client.post("/work/notifications/", {"assignment:email": "on", "warning:sms": "on"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "提醒接收方式已保存" in page
    assert 'name="assignment:email" aria-label="派单交办 邮件" checked>' in page
    assert 'name="warning:email" aria-label="预警 邮件">' in page
    # the SMS box could not be ticked (no phone): the default is kept, not changed by the post
    assert Preference.objects.get(user=user, kind="warning").channels == ["sms", "webhook"]

    event = dispatched(world)
    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(event.pk)
        warning = event.case.events.create(action="threat_signal", from_status=event.to_status,
                                           to_status=event.to_status, data={})
        tell(warning, [user], "案件：发现极端行为苗头")
    assert [m.body.split("\n")[0] for m in mail.outbox] == [
        f"案件 {event.case.display_code}：派单 — {event.case.summary}"]  # not the warning

    page = client.get("/work/notifications/").content.decode()
    assert "邮件 已发送" in page  # the assignment's email, shown with its notice


def test_the_latest_are_listed_with_the_unread_marked(world):
    leader = world["leader"]
    announce([leader], "10月稳定专报已生成", kind="report", url="/reports/6/")
    client = Client()
    client.force_login(leader)
    client.get("/work/notifications/")
    announce([leader], "11月稳定专报已生成", kind="report", url="/reports/7/")

    page = client.get("/work/notifications/").content.decode()
    assert page.count('class="unread"') == 1
    assert page.index("11月稳定专报") < page.index("10月稳定专报")  # newest first
    assert re.search(r'<tr class="unread">((?!</tr>).)*11月稳定专报', page, re.S)
    again = client.get("/work/notifications/").content.decode()
    assert 'class="unread"' not in again and 'data-testid="unread"' not in again


def test_a_personal_endpoint_adds_the_webhook_column(world):
    user = world["hr_handler"]
    client = Client()
    client.force_login(user)
    assert "Webhook<small>" not in client.get("/work/notifications/").content.decode()
    WebhookEndpoint.objects.create(name="值班推送", url="https://push.qinghe.gov.cn/hook", user=user)
    page = client.get("/work/notifications/").content.decode()
    assert "Webhook<small>值班推送</small>" in page
    assert 'name="assignment:webhook" aria-label="派单交办 Webhook" checked>' in page
    client.post("/work/notifications/", {})  # everything off
    assert Preference.objects.get(user=user, kind="assignment").channels == []


def test_a_user_enters_their_own_email_and_phone_and_can_then_choose_sms(world):
    user = world["hr_handler"]
    client = Client()
    client.force_login(user)
    page = client.get("/work/notifications/").content.decode()
    assert 'name="warning:sms" aria-label="预警 短信" disabled>' in page

    bad = client.post("/work/notifications/", {"form": "contact", "email": "not-an-address", "phone": "12345"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "请输入正确的邮箱地址" in text and "请输入正确的手机号" in text
    user.refresh_from_db()
    assert user.email == "" and user.phone == ""  # nothing saved

    ok = client.post("/work/notifications/", {"form": "contact", "email": "hr@qinghe.gov.cn", "phone": "139 1234 5678"})
    assert ok.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.phone) == ("hr@qinghe.gov.cn", "13912345678")
    page = client.get("/work/notifications/").content.decode()
    assert "139****5678" in page and 'name="warning:sms" aria-label="预警 短信" checked>' in page
