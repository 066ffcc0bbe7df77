"""The grid worker's report form: the intake form's checks, narrowed to the worker's grids,
with quick item buttons, optional parties (a patrol report) or the resident's contact (代办),
and the on-the-spot mediation (就地化解)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiefen.intake.forms import IntakeForm, PhotosField
from jiefen.regions.locate import region_at
from jiefen.regions.models import Region
from jiefen.taxonomy.models import Item

from . import services


class CameraPhotos(PhotosField):
    widget = PhotosField.widget.__class__(attrs={"accept": "image/*", "capture": "environment", "multiple": True})


class FieldReportForm(IntakeForm):
    item = forms.ModelChoiceField(
        queryset=Item.objects.filter(active=True, category__active=True).select_related("category"),
        label=_("事项"), widget=forms.RadioSelect,
        error_messages={"required": _("请选择事项类别。"), "invalid_choice": _("所选事项不存在或已停用。")},
    )
    photos = CameraPhotos(label=_("现场照片（选填，最多5张）"), required=False)
    proxy_reason = forms.CharField(label=_("代办原因（选填）"), max_length=200, required=False,
                                   widget=forms.TextInput(attrs={"placeholder": _("如：年老行动不便、不会使用手机")}))
    on_spot = forms.BooleanField(label=_("已就地化解（现场调解成功，直接办结）"), required=False)
    result = forms.CharField(label=_("化解结果"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：经现场劝解，双方达成一致，已握手言和。")}))
    mediators = forms.CharField(label=_("调解员"), max_length=300, required=False)
    attendees = forms.CharField(label=_("参加人员（选填）"), max_length=500, required=False)
    agreement_text = forms.CharField(label=_("协议内容（选填）"), max_length=2000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, worker=None, proxy: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker, self.proxy = worker, proxy
        posts = services.grid_posts(worker) if worker is not None else []
        region = self.fields["region"]
        region.widget = forms.Select()
        region.queryset = services.regions_under(posts)  # after the widget: it takes the choices
        region.label_from_instance = lambda r: r.name
        region.empty_label = None
        region.label = _("所在网格")
        self.fields["description"].widget.attrs.update(
            rows=4, placeholder=_("发生了什么、涉及谁、在哪里（至少10个字）。"))
        self.fields["description"].label = _("情况描述")
        if proxy:
            self.fields["name"].label = _("群众姓名")
            self.fields["phone"].label = _("群众手机号")
            self.fields["id_number"].label = _("群众身份证号（选填）")
        else:
            self.fields["name"].label = _("当事人姓名（选填）")
            self.fields["phone"].label = _("当事人手机号（选填）")

    def clean(self):
        data = self.cleaned_data
        self._locate(data)
        name, phone = data.get("name"), data.get("phone")
        if self.proxy:
            data["anonymous"] = False
            if not name and "name" not in self.errors:
                self.add_error("name", _("请填写代办群众的姓名。"))
            if not phone and "phone" not in self.errors:
                self.add_error("phone", _("请填写代办群众的手机号，以便告知办理进度。"))
            data["on_spot"] = False
        else:
            data["anonymous"] = not name and not phone and "phone" not in self.errors
            if name and not phone and "phone" not in self.errors:
                self.add_error("phone", _("请填写当事人的手机号，或姓名、手机号都不填。"))
            if phone and not name:
                self.add_error("name", _("请填写当事人的姓名，或姓名、手机号都不填。"))
        data = super().clean()
        if data.get("on_spot") and not (data.get("result") or "").strip():
            self.add_error("result", _("请填写化解结果。"))
        data["reported_item"] = data.get("item")
        return data

    def _locate(self, data: dict) -> None:
        """The phone's point decides the grid when it lies in one of the worker's grids."""
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is None or lon is None or self.worker is None:
            return
        for post in services.grid_posts(self.worker):
            found = region_at(lon, lat, post)
            if found is not None:
                data["region"] = Region.objects.get(pk=found.pk)
                return
