"""The worklist filter, shared by the staff pages and (later) the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.lib.codes import looks_like_tracking_code, normalize_tracking_code
from jiefen.lib.personal import normalize_phone
from jiefen.regions.models import Region
from jiefen.taxonomy.models import Category, RiskGrade

from .models import Case, Channel, Party, Status

ALL = _("全部")


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=Status.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("类别"), queryset=Category.objects.all(), empty_label=ALL
    )
    risk_grade = django_filters.ChoiceFilter(label=_("风险等级"), choices=RiskGrade.choices, empty_label=ALL)
    channel = django_filters.ChoiceFilter(label=_("来源渠道"), choices=Channel.choices, empty_label=ALL)
    overdue = django_filters.ChoiceFilter(
        label=_("期限"), choices=[("1", _("仅看超期"))], empty_label=ALL, method="filter_overdue"
    )
    created_after = django_filters.DateFilter(label=_("登记日期从"), field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(label=_("至"), field_name="created_at", lookup_expr="date__lte")
    # a region's subtree, from the safety map and the dashboard ("查看案件列表"); within the
    # jurisdiction because the base queryset already is
    region = django_filters.ModelChoiceFilter(
        label=_("地区"), queryset=Region.objects.all(), method="filter_region", widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("该地区不存在，请从平安地图或统计分析重新进入。")})

    class Meta:
        model = Case
        fields = ["q", "status", "category", "risk_grade", "channel", "overdue", "created_after", "created_before",
                  "region"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_path__startswith=value.path) if value else queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A tracking code or a phone number is looked up through its index, not by
        # scanning every description in the jurisdiction.
        if looks_like_tracking_code(value):
            return queryset.filter(tracking_code=normalize_tracking_code(value))
        phone = normalize_phone(value)
        if phone.isdigit() and len(phone) >= 7:
            return queryset.filter(pk__in=Party.objects.filter(phone=phone).values("case_id"))
        by_name = Party.objects.filter(name=value).values("case_id")
        return queryset.filter(
            Q(pk__in=by_name) | Q(description__icontains=value) | Q(address__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.now())
        return queryset
