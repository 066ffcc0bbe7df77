"""Two parties on their phones and the mediator at a desk, in three browsers: each party
joins by the one-time link from their SMS; a message sent in one browser appears in the
others without reloading; a private (背对背) message never reaches the other party, on the
page or in the JSON; both sign the agreement with codes sent by SMS and the PDF is made; a
used link is refused."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from jiefen.cases.models import PartyRole
from jiefen.testing.browser import sign_in

from ..models import Agreement
from .factories import COMPLAINANT_PHONE, RESPONDENT_PHONE, code_in, last_sms, mediated_case, reset
from .test_agreement import pdf_text

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SCREENS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "test-artifacts", "screens")


def join_path(phone: str) -> str:
    link = next(line for line in [last_sms(phone)] if "/online/join/" in line)
    return "/online/join/" + link.split("/online/join/", 1)[1].split("/", 1)[0] + "/"


def test_two_parties_and_a_mediator_talk_and_sign_online(new_context, live_server, live_world, screenshot):
    w = live_world
    reset()
    case = mediated_case(w)
    url = live_server.url

    desk = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, url, "street_mediator")
    desk.goto(f"{url}/cases/{case.tracking_code}/")
    desk.click("[data-testid=online-open]")
    desk.wait_for_selector("[data-testid=room]")
    people = desk.locator("[data-testid=person]")
    for role in ("诉求人", "被反映人"):
        people.filter(has_text=role).locator("[data-testid=invite]").click()
        desk.wait_for_selector("text=已向")
    assert desk.locator("[data-testid=invite-live] img.qr").count() == 2
    screenshot(desk, "online-01-mediator-invites")

    # the complainant joins with the last four digits of the phone
    wang = new_context(**PHONE).new_page()
    used_link = url + join_path(COMPLAINANT_PHONE)
    wang.goto(used_link)
    wang.fill("#last4", COMPLAINANT_PHONE[-4:])
    wang.click("[data-testid=join-last4]")
    wang.wait_for_selector("[data-testid=room]")
    # the respondent asks for a code by SMS instead
    li = new_context(**PHONE).new_page()
    li.goto(url + join_path(RESPONDENT_PHONE))
    screenshot(li, "online-02-join-phone")
    li.click("[data-testid=join-send-code]")
    li.wait_for_selector("[data-testid=code-sent]")
    li.fill("#code", code_in(last_sms(RESPONDENT_PHONE)))
    li.click("[data-testid=join-code]")
    li.wait_for_selector("[data-testid=room]")

    # a message to everyone appears in the other browsers without reloading
    wang.fill("[data-testid=message-text]", "天花板维修报价八千六百元，发票我可以提供。")
    wang.click("[data-testid=send]")
    li.wait_for_selector("text=天花板维修报价八千六百元", timeout=10000)
    desk.wait_for_selector("text=天花板维修报价八千六百元", timeout=10000)

    # shuttle mediation: the mediator talks to the complainant alone
    complainant_id = desk.locator("[data-testid=private-with] option", has_text="诉求人").get_attribute("value")
    desk.select_option("[data-testid=private-with]", complainant_id)
    desk.fill("[data-testid=message-text]", "单独问您：八千元可以接受吗？")
    desk.click("[data-testid=send]")
    wang.wait_for_selector("text=单独问您：八千元可以接受吗？", timeout=10000)
    assert "仅您与调解员可见" in wang.locator("[data-testid=messages]").inner_text()
    li.fill("[data-testid=message-text]", "我这边同意赔偿。")
    li.click("[data-testid=send]")
    wang.wait_for_selector("text=我这边同意赔偿。", timeout=10000)  # a later message has arrived …
    assert "八千元可以接受吗" not in li.locator("main").inner_text()  # … the private one never did
    poll = li.request.get(f"{url}/online/room/{case.online_rooms.get().pk}/poll/?after=0").json()
    seen = " ".join(m["text"] for m in poll["messages"])
    assert "我这边同意赔偿" in seen and "八千元可以接受吗" not in seen
    li.reload()
    assert "八千元可以接受吗" not in li.content()
    screenshot(wang, "online-03-complainant-room-phone")
    screenshot(li, "online-04-respondent-room-phone")

    # the mediator drafts the agreement
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    desk.fill("[data-testid=facts]", "李明家装修漏水，泡坏王建国家卫生间天花板，双方就赔偿发生争议。")
    desk.locator("[data-testid=term-text]").nth(0).fill("李明向王建国赔偿维修费")
    desk.locator("[data-testid=term-amount]").nth(0).fill("8000")
    desk.locator("[data-testid=term-due]").nth(0).fill(due)
    desk.locator("[data-testid=term-text]").nth(1).fill("双方今后和睦相处，不再就此事争执")
    desk.click("[data-testid=draft-submit]")
    desk.wait_for_selector("[data-testid=agreement][data-status=signing]")
    wang.wait_for_selector("text=请各方审阅", timeout=10000)

    for page, phone in ((wang, COMPLAINANT_PHONE), (li, RESPONDENT_PHONE)):
        page.reload()
        assert "李明向王建国赔偿维修费" in page.locator("[data-testid=agreement]").inner_text()
        page.click("[data-testid=sign-code]")
        page.wait_for_selector("text=验证码已发送")
        page.fill("[data-testid=sign-box] input[name=code]", code_in(last_sms(phone)))
        page.click("[data-testid=sign-submit]")
    li.wait_for_selector("[data-testid=agreement][data-status=signed]")
    assert "各方均已签署，协议生效" in li.locator("main").inner_text()
    screenshot(li, "online-05-signed-phone")

    agreement = Agreement.objects.get(case=case)
    assert agreement.status == Agreement.Status.SIGNED and len(agreement.sha256) == 64
    wang.reload()  # the complainant signed first: the page shows the agreement in force now
    body = wang.request.get(url + wang.locator("[data-testid=agreement-pdf]").get_attribute("href")).body()
    text, image = pdf_text(body)
    for expected in ("王建国", "李明", "8000.00", agreement.verify_code, agreement.sha256):
        assert expected in text, expected
    os.makedirs(SCREENS, exist_ok=True)
    image.save(os.path.join(SCREENS, "online-06-agreement-pdf.png"))

    desk.reload()
    desk.click("[data-testid=judicial-apply]")
    desk.wait_for_selector("[data-testid=judicial-pdf]")
    screenshot(desk, "online-07-mediator-signed")

    # the link already used is refused with a clear message, the room is unchanged
    stranger = new_context(**PHONE).new_page()
    response = stranger.goto(used_link)
    assert response.status == 410
    assert "已经使用过" in stranger.locator("[data-testid=online-refusal]").inner_text()
    assert stranger.goto(f"{url}/online/room/{agreement.room_id}/").status == 403
    screenshot(stranger, "online-08-used-link-phone")
    assert case.parties.get(role=PartyRole.RESPONDENT).phone not in wang.content()
