"""The intake form: the one set of checks every door applies to a new case."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from jiefen.cases.models import Channel, MediationPreference
from jiefen.lib.geo import contains
from jiefen.lib.personal import normalize_phone, validate_id_number, validate_phone
from jiefen.regions.locate import region_at, region_named
from jiefen.regions.models import Region
from jiefen.taxonomy.models import Item

from .attributes import clean_attributes

MAX_PHOTOS = 5
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("最多上传%(n)d张照片。") % {"n": MAX_PHOTOS})
        return [self.clean_one(f) for f in files]

    @staticmethod
    def clean_one(upload):
        limit = settings.JIEFEN_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("照片“%(name)s”太大（%(size).1f MB），单张不能超过 %(limit)d MB。")
                % {"name": upload.name, "size": upload.size / 1048576, "limit": limit // 1048576}
            )
        try:
            upload.seek(0)
            with Image.open(upload) as image:
                image.verify()
                kind = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(
                _("“%(name)s”不是可识别的图片，请上传 JPG、PNG、GIF 或 WEBP 格式的照片。")
                % {"name": upload.name}
            ) from None
        if kind not in IMAGE_FORMATS:
            raise ValidationError(_("“%(name)s”的格式不受支持，请上传 JPG、PNG、GIF 或 WEBP 格式的照片。") % {"name": upload.name})
        upload.seek(0)
        upload.content_type = IMAGE_FORMATS[kind]
        return upload


class RegionField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("所选地点不存在，请重新选择所在的街道、社区或网格。"),
        "required": _("请选择事发地点（街道、社区或网格）。"),
    }


class IntakeForm(forms.Form):
    description = forms.CharField(
        label=_("诉求内容"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("请说明发生了什么事、涉及哪些人、在什么地方、您希望怎样解决。")}),
        error_messages={
            "required": _("请填写诉求内容。"),
            "min_length": _("诉求内容太短（至少%(limit_value)d个字），请说明发生了什么事。"),
            "max_length": _("诉求内容不能超过%(limit_value)d个字（现有%(show_value)d个字）。"),
        },
    )
    region = RegionField(queryset=Region.objects.all(), label=_("事发地点"))
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("如：幸福路12号锦绣小区3号楼")}))
    latitude = forms.DecimalField(label=_("纬度"), required=False, min_value=Decimal("3"), max_value=Decimal("54"), decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(label=_("经度"), required=False, min_value=Decimal("73"), max_value=Decimal("136"), decimal_places=6, widget=forms.HiddenInput)
    anonymous = forms.BooleanField(label=_("匿名反映（不留姓名和电话）"), required=False)
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    id_number = forms.CharField(label=_("身份证号（选填）"), max_length=18, required=False)
    respondent = forms.CharField(label=_("被反映人或单位（选填）"), max_length=100, required=False)
    group_size = forms.IntegerField(label=_("涉及人数"), min_value=1, max_value=100000, initial=1,
                                    error_messages={"min_value": _("涉及人数至少为1。"), "invalid": _("涉及人数应为整数。")})
    amount = forms.DecimalField(label=_("涉及金额（元，选填）"), required=False, min_value=0, max_digits=14, decimal_places=2,
                                error_messages={"invalid": _("金额应为数字，例如 3500。")})
    photos = PhotosField(label=_("照片（选填，最多5张）"), required=False)
    mediation_preference = forms.ChoiceField(
        label=_("希望的调解方式"), required=False, widget=forms.RadioSelect,
        choices=[("", _("由工作人员安排")), (MediationPreference.ONLINE, _("线上调解：用手机参加，不用跑腿")),
                 (MediationPreference.OFFLINE, _("线下调解：到调解室面对面"))],
        error_messages={"invalid_choice": _("请选择线上调解、线下调解或由工作人员安排。")})

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone:
            validate_phone(phone)
            return normalize_phone(phone)
        return phone

    def clean_id_number(self):
        number = self.cleaned_data["id_number"].strip().upper()
        if number:
            validate_id_number(number)
        return number

    def clean(self):
        data = super().clean()
        self._check_point(data)
        if not data.get("anonymous"):
            if not data.get("name") and "name" not in self.errors:
                self.add_error("name", _("请填写姓名，或选择匿名反映。"))
            if not data.get("phone") and "phone" not in self.errors:
                self.add_error("phone", _("请填写手机号，以便工作人员联系您；或选择匿名反映。"))
        else:
            data["name"] = data["phone"] = data["id_number"] = ""
        return data


    def _check_point(self, data: dict) -> None:
        """A point, when given, must come with its pair and lie inside the chosen place (its
        own outline, or the nearest enclosing one that has an outline)."""
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            if "latitude" not in self.errors and "longitude" not in self.errors:
                self.add_error("latitude" if lat is None else "longitude", _("经纬度须同时提供。"))
            return
        region = data.get("region")
        if lat is None or region is None:
            return
        outlined = next((r for r in reversed(region.lineage) if r.outline), None)
        if outlined is not None:
            inside = contains(outlined.outline, lon, lat)
        else:  # no outline at or above the place: the point must fall in one of the outlines below it
            below = Region.objects.subtree(region).exclude(outline=None)
            inside = not below.exists() or region_at(lon, lat, region) != region
        if not inside:
            self.add_error("latitude", _("所标位置不在“%(place)s”范围内，请重新选择地点或位置。")
                           % {"place": (outlined or region).name})


class StaffIntakeForm(IntakeForm):
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[(c.value, c.label) for c in (Channel.WINDOW, Channel.HOTLINE, Channel.GRID, Channel.PETITION, Channel.COURT, Channel.POLICE_110, Channel.HOTLINE_12345)],
        initial=Channel.WINDOW,
    )
    field_order = ["channel"]


class SystemRegionField(RegionField):
    """A place given by a machine: the region's id or its 12-digit division code."""

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if len(text) == 12 and text.isdigit():
            region = Region.objects.by_code(text).first()
            if region is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return region
        return super().to_python(value)


class SystemIntakeForm(IntakeForm):
    """The intake form for machines and files (native API, Open311, webhooks, imports).

    On top of the resident form's checks: the reported item by its code and the answers to
    its extra fields; the sender's own reference (external source and id, so that the same
    work order pushed or imported twice is one case); the channel. The place may be left out
    when a point or an address says where: the deepest region whose outline holds the point,
    else the deepest region named in the address, else `default_region` (the caller's own
    region). A caller bound to a region (`within`) cannot file cases outside it."""

    region = SystemRegionField(queryset=Region.objects.all(), label=_("事发地点"), required=False)
    item = forms.ModelChoiceField(
        queryset=Item.objects.filter(active=True), to_field_name="code", required=False, label=_("事项"),
        error_messages={"invalid_choice": _("事项代码不存在或已停用。")},
    )
    attributes = forms.JSONField(label=_("补充信息"), required=False)
    external_source = forms.CharField(label=_("外部来源"), max_length=30, required=False)
    external_id = forms.CharField(label=_("外部编号"), max_length=80, required=False)
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices, required=False)

    def __init__(self, *args, within: Region | None = None, default_region: Region | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.within = within
        self.default_region = default_region if default_region is not None else within

    def clean(self):
        data = self.cleaned_data
        if data.get("region") is None and "region" not in self.errors:
            data["region"] = self._locate(data)
        region = data.get("region")
        if region is not None and self.within is not None and not region.is_within(self.within):
            self.add_error("region", _("事发地点“%(place)s”不在本接口的接入区域“%(area)s”内。")
                           % {"place": region.name, "area": self.within.name})
        data = super().clean()
        item = data.get("item")
        data["reported_item"] = item
        if "item" not in self.errors:
            try:
                data["attributes"] = clean_attributes(item, data.get("attributes"))
            except ValidationError as exc:
                self.add_error("attributes", exc)
        if data.get("external_id") and not data.get("external_source"):
            self.add_error("external_source", _("提供外部编号时须同时说明外部来源。"))
        return data

    def _locate(self, data: dict) -> Region | None:
        lat, lon = data.get("latitude"), data.get("longitude")
        region = None
        if lat is not None and lon is not None:
            region = region_at(lon, lat, self.within)
        if region is None:
            region = region_named(data.get("address", ""), self.within)
        if region is None:
            region = self.default_region
        if region is None:
            self.add_error("region", _("请提供事发地点：区域编号、经纬度或详细地址。"))
        return region
