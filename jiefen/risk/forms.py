from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Level

MET = [("yes", _("见到本人")), ("no", _("未见到本人"))]


class VisitForm(forms.Form):
    """A few taps on a phone: met or not, the level after, what was found."""

    met = forms.ChoiceField(label=_("是否见到本人"), choices=MET, widget=forms.RadioSelect,
                            error_messages={"required": _("请选择是否见到本人。")})
    level_after = forms.ChoiceField(label=_("走访后风险等级"), choices=Level.choices, widget=forms.RadioSelect,
                                    error_messages={"required": _("请选择走访后的风险等级。")})
    findings = forms.CharField(label=_("走访情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": _("请填写走访情况。"),
                                               "max_length": _("走访情况不能超过1000个字。")})

    def clean_met(self):
        return self.cleaned_data["met"] == "yes"
