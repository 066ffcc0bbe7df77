from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .twofactor import clean_token


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6 位动态验证码"), max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "autofocus": True, "pattern": r"[0-9 ]*"}),
    )

    def clean_code(self) -> str:
        token = clean_token(self.cleaned_data["code"])
        if token is None:
            raise forms.ValidationError(_("请输入验证器应用上显示的 6 位数字。"))
        return token
