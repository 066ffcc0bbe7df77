"""The UI is written in Chinese and translated to English (jiefen/locale/en): the language
switch and the browser's Accept-Language both give English pages, switching back gives
Chinese again, and the English catalogue is complete and compiled."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from jiefen.testing.factories import case_data, submit

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
HAN = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfir]")

# Per public page: English that must appear, and the Chinese it replaces.
PAGES = {
    "/": (
        ["Have a dispute? Bring it to Jiefen", "Report an issue", "Track progress", "tracking code", "Staff login"],
        ["有矛盾纠纷，找解纷平台", "我要反映", "进度查询", "查询码", "工作人员登录"],
    ),
    "/report/": (
        ["Report an issue", "Request details", "Where it happened", "Report anonymously", "Submit"],
        ["我要反映", "诉求内容", "事发地点", "匿名反映", "提交"],
    ),
    "/track/": (
        ["Track progress", "Tracking code", "Look up"],
        ["进度查询", "查询码", "查询"],
    ),
}


@pytest.fixture(autouse=True)
def _restore_language():
    """Requests activate a language for the thread; leave it as the other tests expect."""
    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


def visible_text(page: str) -> str:
    """The page without scripts (the region tree is data) and without the language names."""
    page = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    return re.sub(r"<option value=\"zh-hans\"[^>]*>简体中文</option>", "", page)


def set_language(client, code: str) -> None:
    response = client.post("/i18n/setlang/", {"language": code, "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code


def assert_english(client, **headers) -> None:
    for url, (english, chinese) in PAGES.items():
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<html lang="en">' in page, url
        for text in english:
            assert text in page, (url, text)
        for text in chinese:
            assert text not in page, (url, text)
        left = HAN.findall(visible_text(page))
        assert not left, (url, "untranslated Chinese left on the page", "".join(left))


def assert_chinese(client) -> None:
    for url, (english, chinese) in PAGES.items():
        page = client.get(url).content.decode()
        assert '<html lang="zh-hans">' in page, url
        for text in chinese:
            assert text in page, (url, text)
        for text in english:
            assert text not in page, (url, text)


def test_chinese_is_the_default(client, db):
    assert_chinese(client)


def test_language_switch_gives_english(client, db):
    set_language(client, "en")
    assert_english(client)


@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9", "en-GB,en;q=0.8,zh-CN;q=0.5"])
def test_accept_language_header_gives_english(client, db, accept):
    assert_english(client, accept_language=accept)


def test_switching_back_gives_chinese_again(client, db):
    set_language(client, "en")
    assert_english(client)
    set_language(client, "zh-hans")
    assert_chinese(client)


def test_language_switch_beats_the_browser_header(client, db):
    set_language(client, "zh-hans")
    page = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "我要反映" in page and "Report an issue" not in page


def test_a_resident_reports_and_tracks_in_english(client, world):
    set_language(client, "en")
    invalid = client.post("/report/", {"description": "太短"}).content.decode()
    assert "The description is too short" in invalid and "Please enter your name" in invalid
    assert "诉求内容太短" not in invalid

    response = client.post("/report/", case_data(world), follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain[-1][0].startswith("/report/done/")
    assert "Submitted" in page and "Your tracking code is:" in page
    assert "With the tracking code and your mobile number you can check the progress" in page
    assert not HAN.findall(visible_text(page))

    tracking = re.search(r'href="(/track/[^"]+/)"', page).group(1)
    page = client.get(tracking).content.decode()
    assert "Current status" in page and "Awaiting acceptance" in page and "Submit request" in page
    assert "当前状态" not in page and "待受理" not in page

    wrong = client.post("/track/", {"code": "XXXX-XXXX", "phone": "13900000000"})
    assert wrong.status_code == 400
    assert "The tracking code or mobile number is incorrect" in wrong.content.decode()


def test_staff_pages_in_english(client, world):
    case = submit(world)
    client.force_login(world["clerk"])
    set_language(client, "en")
    page = client.get("/work/?tab=all").content.decode()
    assert "Workbench" in page and "Tracking code" in page and "Awaiting acceptance" in page
    assert "工作台" not in page and "待受理" not in page
    page = client.get(f"/cases/{case.tracking_code}/").content.decode()
    assert "Available actions" in page and "Handling history" in page and ">Accept<" in page
    assert "可执行的操作" not in page and "办理过程" not in page
    refused = client.post(f"/cases/{case.tracking_code}/act/dispatch/", {"version": case.version})
    assert "cannot be performed" in refused.content.decode()


# ------------------------------------------------------------------ the catalogue


def _unquote(line: str) -> str:
    body = line.strip()
    assert body.startswith('"') and body.endswith('"'), line
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), body[1:-1])


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: {"flags", "msgid", "msgid_plural"?, "msgstr" or "msgstr[n]"}."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += _unquote(line)
        else:
            key, _, rest = line.partition(" ")
            entry[key] = _unquote(rest)
    return entries


@pytest.fixture(scope="module")
def entries():
    found = read_po(PO)
    assert found[0]["msgid"] == "" and "Plural-Forms: nplurals=2; plural=(n != 1);" in found[0]["msgstr"]
    return found[1:]


def test_every_message_is_translated_and_none_is_fuzzy(entries):
    assert len(entries) > 300
    assert "fuzzy" not in read_po(PO)[0]["flags"]
    for e in entries:
        assert "fuzzy" not in e["flags"], e["msgid"]
        strings = [v for k, v in e.items() if k.startswith("msgstr")]
        assert strings and all(s.strip() for s in strings), e["msgid"]
        if "msgid_plural" in e:
            assert set(e) >= {"msgstr[0]", "msgstr[1]"}, e["msgid"]
        for s in strings:
            assert sorted(PLACEHOLDER.findall(s)) == sorted(PLACEHOLDER.findall(e["msgid"])), e["msgid"]
            if e["msgid"] != "简体中文":
                assert not HAN.search(s), (e["msgid"], s)


def test_the_compiled_catalogue_matches_the_po(entries):
    assert MO.exists() and MO.stat().st_size > 0
    with translation.override("en"):
        for e in entries:
            if "msgid_plural" in e:
                assert translation.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr[0]"]
                assert translation.ngettext(e["msgid"], e["msgid_plural"], 5) == e["msgstr[1]"]
                continue
            if "msgctxt" in e:
                english = translation.pgettext(e["msgctxt"], e["msgid"])
            else:
                english = translation.gettext(e["msgid"])
            assert english == e["msgstr"], (e["msgid"], english)
            if not e["msgid"].isascii() and e["msgid"] != "简体中文":
                assert english != e["msgid"], e["msgid"]
