"""Open311 GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2).

The format is the path's suffix (`services.json`, `requests/123.xml`). Reads are public;
a POST needs an API key (ApiClient). Keyed calls are throttled per client at the `user`
rate of REST_FRAMEWORK, others per address at the `anon` rate."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from jiefen.api.auth import key_from
from jiefen.api.models import ApiClient
from jiefen.taxonomy.models import Item

from . import public
from .formats import Open311Error, render, render_error
from .models import Token
from .posting import created_answer, post_request

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-30T00:00:00+08:00"  # the last change to what this endpoint offers


class Throttle(SimpleRateThrottle):
    """DRF's rate bookkeeping for plain views, reading the rate when asked (so that a
    changed REST_FRAMEWORK setting applies) under keys of its own."""

    def __init__(self, scope: str, ident: str):
        self.scope, self.ident = scope, ident
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view):
        return f"throttle_open311_{self.scope}_{self.ident}"


def endpoint(*methods: str):
    """Method check, API key, throttle, and spec-format errors around a view."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, fmt: str, **kwargs):
            try:
                if request.method not in methods:
                    raise Open311Error(405, _("不支持 %(method)s 请求。") % {"method": request.method},
                                       headers={"Allow": ", ".join(methods)})
                _refuse_nul(request, kwargs)
                try:
                    client = _client(request)
                except Open311Error:
                    _throttle(request, None)  # wrong keys count against the caller's address
                    raise
                _throttle(request, client)
                return view(request, fmt, client=client, **kwargs)
            except Open311Error as error:
                return render_error(error, fmt)
            except Http404:
                return render_error(Open311Error(404, _("未找到。")), fmt)

        return wrapper

    return decorate


def _refuse_nul(request, kwargs: dict) -> None:
    """NUL bytes cannot be stored or even compared in PostgreSQL text: refuse them at the door."""
    values = [*kwargs.values(), *(v for q in (request.GET, request.POST) for vs in q.lists() for v in [vs[0], *vs[1]])]
    if any("\x00" in v for v in values):
        raise Open311Error(400, _("请求中含有不允许的空字符（NUL）。"))


def _client(request) -> ApiClient | None:
    key = (request.POST.get("api_key") or request.GET.get("api_key") or key_from(request)).strip()
    if not key:
        return None
    client = ApiClient.authenticate(key)
    if client is None:
        raise Open311Error(403, _("api_key 无效或已吊销。"))
    return client


def _throttle(request, client) -> None:
    if client is not None:
        throttle = Throttle("user", str(client.pk))
    else:
        throttle = Throttle("anon", "")
        throttle.ident = throttle.get_ident(request)
    if not throttle.allow_request(request, None):
        wait = int(throttle.wait() or 1)
        raise Open311Error(429, _("请求过于频繁，请%(n)d秒后再试。") % {"n": wait}, headers={"Retry-After": str(wait)})


def _items():
    return Item.objects.filter(active=True).select_related("category").prefetch_related("extra_fields")


@endpoint("GET")
def discovery(request, fmt, *, client):
    base = reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0] + "/"
    return render({
        "changeset": CHANGESET,
        "contact": getattr(settings, "JIEFEN_OPEN311_CONTACT", "") or _("本地社会治理综合服务中心（系统管理员）"),
        "key_service": _("接口密钥由系统管理员在后台“接口调用方”中签发。"),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": settings.JIEFEN_PUBLIC_URL + base,
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    }, fmt, root="discovery")


@endpoint("GET")
def services(request, fmt, *, client):
    return render([public.service(item) for item in _items()], fmt, root="services")


@endpoint("GET")
def service_definition(request, fmt, *, client, code):
    item = _items().filter(code=code).first()
    if item is None:
        raise Open311Error(404, _("service_code “%(code)s” 不存在或已停用。") % {"code": code})
    return render(public.service_definition(item), fmt, root="service_definition")


@endpoint("GET", "POST")
def requests_(request, fmt, *, client):
    if request.method == "POST":
        if client is None:
            raise Open311Error(403, _("提交报事须提供 api_key。"))
        case, token = post_request(request.POST, client=client,
                                   idempotency_key=request.headers.get("Idempotency-Key", ""))
        answer = created_answer(case, token, request.POST.get("account_id"))
        return render([answer], fmt, root="service_requests")  # 200, as Open311 clients expect
    names = public.RegionNames()
    rows = [public.service_request(case, names) for case in public.find_requests(request.GET)]
    return render(rows, fmt, root="service_requests")


@endpoint("GET")
def request_detail(request, fmt, *, client, request_id):
    pks = public.case_pks(request_id)
    case = public.requests_queryset().filter(pk__in=pks[:1]).first() if len(pks) == 1 else None
    if case is None:
        raise Open311Error(404, _("service_request_id “%(id)s” 不存在。") % {"id": request_id})
    return render([public.service_request(case)], fmt, root="service_requests")


@endpoint("GET")
def token(request, fmt, *, client, token):
    row = Token.objects.filter(token=token).select_related("case").first()
    if row is None:
        raise Open311Error(404, _("token “%(token)s” 不存在。") % {"token": token})
    return render([{"service_request_id": public.request_id(row.case), "token": row.token}],
                  fmt, root="service_requests")

