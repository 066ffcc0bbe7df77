"""The permission matrix, generated from the URL configuration: every named URL pattern ×
every post in the test district (and an anonymous visitor) × a case inside and cases outside
the post's jurisdiction.

- GET every page and endpoint: a case outside the jurisdiction is never shown (its tracking
  code and its description never appear; a URL naming it answers 404/403/405 or a redirect).
- POST every workflow action, on the web and in the API, on each case outside the
  jurisdiction: the case, its version and its timeline do not change.
- The public Open311 listing carries no personal data of any case.
- A URL pattern that is neither handled generically (no parameter, or only the case's
  `code` and an `action`) nor listed in RULES fails `test_every_url_pattern_has_a_rule`:
  a new endpoint needs a rule here (and a line in docs/permissions.md).

See docs/permissions.md for the matrix as a table."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from jiefen.cases.models import Attachment, Case, Event, Status
from jiefen.cases.scope import visible_cases
from jiefen.cases.workflow import ACTIONS
from jiefen.regions.models import Level
from jiefen.testing.factories import RegionFactory, advance, submit

# Parameters a generic rule fills: the tracking code of the case under test, and an action.
GENERIC_PARAMS = {"code", "action"}
ABSENT = 999_999  # a primary key no object has

# URL names that need a rule of their own. Each entry: (kind, why).
#   public   – for everyone, carries no case (or only the public Open311 view of cases)
#   open311  – public listing: checked for personal data, not for scope
#   object   – addresses an object of another app by its number; an unknown number must not
#              fail (no 500) and the app's own tests cover its scope
#   case-obj – a case's sub-object (attachment, party): filled from the out-of-scope case
#   admin    – the Django admin: staff accounts only (no post in the world is is_staff)
RULES: dict[str, tuple[str, str]] = {
    "set_language": ("public", "language switch"),
    "regions_json": ("public", "the region tree for the resident form"),
    "region_outlines": ("object", "a region's outline: geography, no case"),
    "healthz": ("public", "liveness probe"),
    "login": ("public", "sign-in form"),
    "logout": ("public", "sign-out"),
    "track": ("public", "tracking form: code and phone required"),
    "posters:list": ("public", "QR posters list (staff)"),
    "posters:pdf": ("object", "a QR poster PDF: a place, no case"),
    "posters:short": ("object", "a QR poster's short code: opens the resident form"),
    "open311:discovery": ("open311", "Open311 discovery"),
    "open311:services": ("open311", "Open311 service list"),
    "open311:service_definition": ("open311", "Open311 service definition (item code)"),
    "open311:requests": ("open311", "Open311 public listing of cases, without personal data"),
    "open311:request": ("open311", "Open311 one case, without personal data"),
    "open311:token": ("open311", "Open311 token → request id"),
    "imports:hook": ("object", "inbound webhook of an external system, key-authenticated"),
    "api:schema": ("public", "OpenAPI schema"),
    "api:docs": ("public", "Swagger UI"),
    "api:case-attachment-file": ("case-obj", "attachment of a case"),
    "attachment": ("case-obj", "attachment of a case"),
    "api:party-reveal": ("case-obj", "unmask a party of a case"),
    "incidents:decide": ("object", "a duplicate suggestion"),
    "incidents:warning_close": ("object", "a group warning"),
    "warnings:detail": ("object", "an early warning"),
    "risk:visit": ("object", "a risk visit"),
    "risk:person": ("object", "a person in the risk register"),
    "risk:accept": ("object", "a risk proposal"),
    "risk:reject": ("object", "a risk proposal"),
    "risk:change": ("object", "a risk register entry"),
    "risk:close": ("object", "a risk register entry"),
    "sheet_detail": ("object", "a supervision sheet (督办单)"),
    "sheet_act": ("object", "a supervision sheet action"),
    "follow_up_visit": ("object", "a follow-up visit (回访)"),
    "knowledge:detail": ("object", "a typical case"),
    "knowledge:edit": ("object", "a typical case's editor"),
    "knowledge:act": ("object", "submit/publish/return/withdraw a typical case"),
    "knowledge:public_detail": ("object", "a published typical case, public"),
    "mediators:photo": ("object", "a mediator's photo: public, or in the user's directory; no case"),
    "online:join": ("object", "online mediation: join (room cookie, or staff who see the case)"),
    "online:room": ("object", "online mediation: room (room cookie, or staff who see the case)"),
    "online:poll": ("object", "online mediation: poll (room cookie, or staff who see the case)"),
    "online:send": ("object", "online mediation: send (room cookie, or staff who see the case)"),
    "online:file": ("object", "online mediation: file (room cookie, or staff who see the case)"),
    "online:invite": ("object", "online mediation: invite (room cookie, or staff who see the case)"),
    "online:schedule": ("object", "online mediation: schedule (room cookie, or staff who see the case)"),
    "online:draft": ("object", "online mediation: draft (room cookie, or staff who see the case)"),
    "online:agreement": ("object", "online mediation: agreement (room cookie, or staff who see the case)"),
    "online:sign_code": ("object", "online mediation: sign code (room cookie, or staff who see the case)"),
    "online:sign": ("object", "online mediation: sign (room cookie, or staff who see the case)"),
    "online:agreement_pdf": ("object", "online mediation: agreement pdf (room cookie, or staff who see the case)"),
    "online:judicial": ("object", "online mediation: judicial (room cookie, or staff who see the case)"),
    "online:judicial_pdf": ("object", "online mediation: judicial pdf (room cookie, or staff who see the case)"),
    "online:judicial_record": ("object", "online mediation: judicial record (room cookie, or staff who see the case)"),
    "online:performance": ("object", "online mediation: performance (room cookie, or staff who see the case)"),
    "online:track_performance": ("object", "online mediation: track performance (room cookie, or staff who see the case)"),
    "online:close": ("object", "online mediation: close a room (the mediator)"),
    "online:verify": ("public", "verify a signed agreement by its code: no personal data"),
    "points:order": ("object", "a community order (社区下单): visible_orders, 404 outside"),
    "points:take": ("object", "take a community order: a handler of a covering department"),
    "points:complete": ("object", "report a community order done: the taker's department"),
    "points:confirm": ("object", "confirm and rate a community order: the ordering community"),
    "points:send_back": ("object", "send a community order back: the ordering community"),
    "points:cancel": ("object", "withdraw an untaken community order: the ordering community"),
    "points:photo": ("object", "a community order's photo: those who see the order"),
    "reports:detail": ("object", "a stability report (稳定专报)"),
    "reports:download": ("object", "a stability report's PDF/Excel file"),
    "mediators:answer": ("object", "accept/decline a mediator order: the ordered mediator, or the center desk"),
}
OBJECT_PARAMS = {"pk": ABSENT, "decision": "accept", "action": "accept", "fmt": "json",
                 "code": "ZZZZ", "request_id": str(ABSENT), "token": "x" * 8, "source_code": "none"}

# Who sees which of the three cases: A (东关 street grid, led by 人社局), B (西城 street,
# led by 住建局), C (another county). The test checks this against visible_cases().
IN_SCOPE = {
    "clerk": {"A", "B"}, "dispatcher": {"A", "B"}, "leader": {"A", "B"}, "supervisor": {"A", "B"},
    "hr_handler": {"A"}, "housing_handler": {"B"}, "street_dispatcher": {"A"},
    "street_mediator": {"A"}, "west_dispatcher": {"B"}, "grid_worker": {"A"}, "anonymous": set(),
}
DESCRIPTIONS = {
    "A": "甲案：东关工地包工头拖欠我们十二个人三个月工资共八万六千元，多次讨要未果。",
    "B": "乙案：西城小区物业公司长期不清理垃圾，电梯坏了两个月也不修，业主意见很大。",
    "C": "丙案：白沙镇养殖场排污影响邻居水井，双方多次发生口角，希望尽快调解处理。",
}
PHONES = {"A": "13811110001", "B": "13811110002", "C": "13811110003"}
NAMES = {"A": "欧阳甲", "B": "司马乙", "C": "诸葛丙"}


def patterns(resolver=None, ns="", prefix=""):
    """(name with namespace, pattern, parameter names) of every URL pattern."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from patterns(p, ns + (f"{p.namespace}:" if p.namespace else ""), prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{ns}{p.name}" if p.name else None
            yield name, prefix + str(p.pattern), set(p.pattern.regex.groupindex)


def rule_of(name: str | None, params: set[str], route: str) -> str | None:
    if name is None:
        return "admin" if route.startswith("admin/") else None
    if name in ("admin:login", "admin:logout"):
        return "public"
    if name.startswith("admin:"):
        return "admin"
    if name in RULES:
        return RULES[name][0]
    if params <= GENERIC_PARAMS:
        return "generic"
    return None


def test_every_url_pattern_has_a_rule():
    missing = [f"{name or '(unnamed)'} {route}" for name, route, params in patterns()
               if rule_of(name, params, route) is None]
    assert not missing, "URL patterns without a permission rule (add to RULES and docs/permissions.md):\n" + \
        "\n".join(missing)


def test_a_new_pattern_without_a_rule_is_caught():
    assert rule_of("newapp:thing", {"pk"}, "newapp/<int:pk>/") is None
    assert rule_of(None, set(), "newapp/") is None
    assert rule_of("case_detail", {"code"}, "cases/<str:code>/") == "generic"


@pytest.mark.django_db
def test_every_openapi_path_is_a_url_with_a_rule():
    response = Client().get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    paths = list(response.json()["paths"])
    assert "/api/v1/cases/{code}/actions/{action}/" in paths
    for path in paths:
        match = resolve(re.sub(r"\{\w+\}", "1", path))
        params = set(match.kwargs) | set(match.route and re.findall(r"<(?:\w+:)?(\w+)>", match.route))
        assert rule_of(match.view_name, params, match.route) is not None, path


def test_the_rules_table_names_only_existing_patterns():
    names = {name for name, _route, _params in patterns()}
    assert set(RULES) <= names, set(RULES) - names


# ------------------------------------------------------------------------------ the world


def cases_world(world) -> dict[str, Case]:
    city = world.county.parent
    other = RegionFactory(name="白沙区", level=Level.COUNTY, parent=city, center_name="白沙区综治中心")
    village = RegionFactory(name="白沙镇", level=Level.STREET, parent=other)
    a = advance(world, submit(world, description=DESCRIPTIONS["A"], phone=PHONES["A"], name=NAMES["A"]),
                Status.IN_PROGRESS)
    b = advance(world, submit(world, description=DESCRIPTIONS["B"], phone=PHONES["B"], name=NAMES["B"],
                              region=world.grids[4].pk), Status.ACCEPTED)
    from jiefen.cases.services import perform

    b = perform(b, "classify", world["clerk"], data={"item": world.property_item.pk})
    b = perform(b, "dispatch", world["dispatcher"], data={"department": world.housing.pk})
    c = submit(world, description=DESCRIPTIONS["C"], phone=PHONES["C"], name=NAMES["C"], region=village.pk)
    cases = {"A": a, "B": b, "C": c}
    for case in cases.values():
        Attachment.objects.create(case=case, file=ContentFile(b"\x89PNG-test", name="photo.png"),
                                  original_name="photo.png", content_type="image/png", size=9)
    return cases


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def fill(name, params, case: Case | None, rule: str) -> dict:
    kwargs = {}
    for p in params:
        if p == "code" and case is not None and rule in ("generic", "case-obj"):
            kwargs[p] = case.tracking_code
        elif p == "action":
            kwargs[p] = "accept"
        elif rule == "case-obj" and p in ("pk", "party"):
            kwargs[p] = (case.attachments.first() if p == "pk" else case.parties.first()).pk
        elif rule == "admin":
            kwargs[p] = {"app_label": "cases", "url": ""}.get(p, str(case.pk if case else 1))
        else:
            kwargs[p] = OBJECT_PARAMS.get(p, str(ABSENT))
    return kwargs


def snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return case.status, case.version, case.department_id, case.center_id, Event.objects.filter(case=case).count()


DENIED = {302, 401, 403, 404, 405, 429}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(IN_SCOPE))
def test_matrix(world, role):
    cache.clear()  # rate limits (Open311, API) count per test, not across tests
    cases = cases_world(world)
    user = None if role == "anonymous" else world[role]
    client = Client()
    if user is not None:
        client.force_login(user)
        assert {k for k, c in cases.items() if visible_cases(user).filter(pk=c.pk).exists()} == IN_SCOPE[role]
    inside = [cases[k] for k in sorted(IN_SCOPE[role])]
    outside = [c for k, c in sorted(cases.items()) if k not in IN_SCOPE[role]]
    secrets = [(c.tracking_code, c.display_code, c.description) for c in outside]
    problems: list[str] = []

    def check_get(url: str, named_case: Case | None, label: str, rule: str = "", echoed: str = "") -> None:
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{label} GET {url}: {response.status_code}")
            return
        if rule == "open311":
            return  # public by design: test_open311_public_listing_carries_no_personal_data
        text = body(response).replace(f'value="{url}"', "")  # the language form's `next`
        if echoed:  # a search form shows the words searched for in its box
            text = text.replace(f'value="{echoed}"', "")
        for code, display, description in secrets:
            for secret in (code, display, description):
                if secret in text:
                    problems.append(f"{label} GET {url}: shows out-of-scope {secret[:12]}")
        if named_case is not None and named_case in outside and response.status_code not in DENIED:
            problems.append(f"{label} GET {url}: {response.status_code} for an out-of-scope case")

    for name, route, params in patterns():
        rule = rule_of(name, params, route)
        if name is None or (rule == "admin" and "url" in params):
            continue  # the admin's unnamed and catch-all patterns: covered by admin:index
        if rule in ("generic", "case-obj") and "code" in params:
            for case in outside:
                check_get(reverse(name, kwargs=fill(name, params, case, rule)), case, name)
        elif rule == "admin":
            url = reverse(name, kwargs=fill(name, params, outside[0] if outside else None, rule))
            response = client.get(url)
            if response.status_code != 302 or "/admin/login/" not in response["Location"]:
                problems.append(f"admin {url}: {response.status_code} for a non-staff account")
        else:
            check_get(reverse(name, kwargs=fill(name, params, None, rule)), None, name, rule)

    # lists that search: asking for an out-of-scope case by its code finds nothing
    for case in outside:
        code = case.tracking_code
        check_get(reverse("worklist") + f"?q={code}", None, "worklist search", echoed=code)
        check_get(reverse("api:cases") + f"?q={code}", None, "api search", echoed=code)

    # the inside case opens for staff (the checks above are not vacuous)
    for case in inside:
        response = client.get(reverse("case_detail", kwargs={"code": case.tracking_code}))
        assert response.status_code == 200 and case.description in body(response), role
        response = client.get(reverse("api:case-detail", kwargs={"code": case.tracking_code}))
        assert response.status_code == 200 and case.tracking_code in body(response), role

    # no workflow action succeeds on a case outside the jurisdiction, on the web or in the API
    for case in outside:
        before = snapshot(case)
        for action in ACTIONS:
            for url in (reverse("case_act", kwargs={"code": case.tracking_code, "action": action}),
                        reverse("api:case-action", kwargs={"code": case.tracking_code, "action": action})):
                response = client.post(url, {"reason": "越权测试", "department": world.hr.pk,
                                             "item": world.wage_item.pk, "satisfaction": 3})
                if response.status_code not in DENIED:
                    problems.append(f"POST {url}: {response.status_code}")
        reveal = client.post(reverse("case_reveal", kwargs={"code": case.tracking_code}),
                             {"party": case.parties.first().pk, "field": "phone", "reason": "越权测试"})
        api_reveal = client.post(reverse("api:party-reveal", kwargs={
            "code": case.tracking_code, "party": case.parties.first().pk}), {"field": "phone", "reason": "越权测试"})
        for response in (reveal, api_reveal):
            if response.status_code not in DENIED or PHONES[next(k for k, c in cases.items() if c == case)] in body(response):
                problems.append(f"reveal on {case.tracking_code}: {response.status_code}")
        assert snapshot(case) == before, f"{role} changed out-of-scope case {case.tracking_code}"

    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_open311_public_listing_carries_no_personal_data(world):
    cache.clear()  # rate limits (Open311, API) count per test, not across tests
    cases = cases_world(world)
    client = Client()
    personal = [*PHONES.values(), *NAMES.values(), "幸福路18号工地"]
    personal += [c.tracking_code for c in cases.values()]
    for fmt in ("json", "xml"):
        response = client.get(reverse("open311:requests", kwargs={"fmt": fmt}))
        assert response.status_code == 200
        text = body(response)
        assert str(cases["A"].pk) in re.sub(r"\s", "", text)  # the listing does list the cases
        for case in cases.values():
            one = body(client.get(reverse("open311:request", kwargs={"fmt": fmt, "request_id": case.pk})))
            leaked = [p for p in personal if p in text or p in one]
            assert not leaked, leaked
