"""Pages of the second factor: set up, verify at sign-in, turn off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import twofactor
from .forms import CodeForm


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("worklist")


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    if twofactor.has_confirmed_device(user):
        return render(request, "accounts/2fa_on.html",
                      {"required": twofactor.is_required_for(user)})
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and twofactor.confirm(request, device, form.cleaned_data["code"]):
            messages.success(request, _("动态验证码已开启，以后登录时需输入验证器应用上的 6 位数字。"))
            return redirect(_next_url(request))
        if form.is_valid():
            form.add_error("code", _("验证码不正确，请核对手机时间后输入最新的 6 位数字。"))
        status = 400
    return render(request, "accounts/2fa_setup.html", {
        "form": form, "qr": twofactor.qr_svg(device), "secret": twofactor.secret_base32(device),
        "required": twofactor.is_required_for(user), "next": request.GET.get("next", ""),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if twofactor.state(request) != "verify":
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        result = twofactor.verify(request, form.cleaned_data["code"]) if form.is_valid() else "wrong"
        if result == "ok":
            return redirect(_next_url(request))
        if result == "signed_out":
            messages.error(request, _("动态验证码连续输错 %(n)d 次，已退出登录，请重新登录。")
                           % {"n": twofactor.MAX_FAILURES})
            return redirect("login")
        if result == "throttled":
            device = twofactor.confirmed_device(request.user)
            form.errors.clear()
            form.add_error(None, _("尝试过于频繁，请 %(s)d 秒后再输入。")
                           % {"s": twofactor.throttled_seconds(device) or 1})
            status = 429
        else:
            if form.is_valid():
                form.add_error("code", _("验证码不正确，还可以再试 %(n)d 次。")
                               % {"n": twofactor.remaining_attempts(request)})
            status = 400
    return render(request, "accounts/2fa_verify.html",
                  {"form": form, "next": request.GET.get("next", request.POST.get("next", ""))},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def disable(request):
    device = twofactor.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:setup")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            twofactor.disable(request.user)
            messages.success(request, _("动态验证码已关闭。"))
            return redirect("accounts:setup" if twofactor.is_required_for(request.user)
                            else "worklist")
        if form.is_valid():
            form.add_error("code", _("验证码不正确或已使用过，请等待验证器显示新的 6 位数字后再试。"))
        status = 400
    return render(request, "accounts/2fa_disable.html",
                  {"form": form, "required": twofactor.is_required_for(request.user)},
                  status=status)
