"""The user's own addresses for the outside channels (email, SMS), kept on their account."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from jiefen.lib.personal import normalize_phone, validate_phone


class ContactForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["email", "phone"]
        labels = {"email": _("邮箱"), "phone": _("手机号")}
        error_messages = {"email": {"invalid": _("请输入正确的邮箱地址，例如 zhang@qinghe.gov.cn。")}}

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        if phone:
            validate_phone(phone)
        return normalize_phone(phone)
