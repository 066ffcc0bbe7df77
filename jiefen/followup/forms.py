from django import forms
from django.utils.translation import gettext_lazy as _

from jiefen.cases.models import Satisfaction

from .models import Honoured

YES_NO = [("yes", _("是，已联系上")), ("no", _("否，未联系上"))]
MAX_TEXT = 2000


class VisitForm(forms.Form):
    reached = forms.ChoiceField(
        label=_("是否联系上诉求人"), choices=YES_NO, widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否联系上诉求人。"), "invalid_choice": _("请选择是否联系上诉求人。")},
    )
    agreement_honoured = forms.ChoiceField(
        label=_("协议履行情况"), choices=[("", "—")] + Honoured.choices, required=False,
        error_messages={"invalid_choice": _("请选择协议履行情况。")},
    )
    satisfaction = forms.TypedChoiceField(
        label=_("诉求人满意度"), choices=Satisfaction.choices, coerce=int, empty_value=None,
        required=False, widget=forms.RadioSelect, error_messages={"invalid_choice": _("请选择满意、基本满意或不满意。")},
    )
    note = forms.CharField(
        label=_("回访情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT,
        error_messages={"max_length": _("回访情况不能超过2000个字。")},
    )
    reopen = forms.BooleanField(label=_("诉求人不满意，代为申请重新办理"), required=False)
    reopen_reason = forms.CharField(
        label=_("申请重启的理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_TEXT,
        error_messages={"max_length": _("申请重启的理由不能超过2000个字。")},
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        reached = data["reached"] == "yes"
        data["reached"] = reached
        data["note"] = (data.get("note") or "").strip()
        data["reopen_reason"] = (data.get("reopen_reason") or "").strip()
        if not reached:
            if not data["note"]:
                self.add_error("note", _("未联系上诉求人时，请说明联系的经过（时间、方式）。"))
            if data.get("reopen"):
                self.add_error("reopen", _("未联系上诉求人，不能代为申请重启。"))
            data["agreement_honoured"], data["satisfaction"] = "", None
            return data
        if not data.get("agreement_honoured"):
            self.add_error("agreement_honoured", _("请选择协议履行情况（没有协议的选“不适用”）。"))
        if data.get("satisfaction") is None:
            self.add_error("satisfaction", _("请选择诉求人的满意度。"))
        if data.get("reopen"):
            if data.get("satisfaction") not in (None, Satisfaction.DISSATISFIED):
                self.add_error("reopen", _("只有诉求人表示不满意时，才能代为申请重启。"))
            if not data["reopen_reason"]:
                self.add_error("reopen_reason", _("请填写申请重启的理由（诉求人的意见）。"))
        return data
