"""The worklist filter, shared by the staff pages and (later) the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiefen.lib.codes import normalize_tracking_code
from jiefen.lib.personal import normalize_phone
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

    class Meta:
        model = Case
        fields = ["q", "status", "category", "risk_grade", "channel", "overdue", "created_after", "created_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        code = normalize_tracking_code(value)
        phone = normalize_phone(value)
        party = Party.objects.filter(case=OuterRef("pk")).filter(
            Q(name=value) | (Q(phone=phone) if phone.isdigit() and len(phone) >= 7 else Q(pk__in=[]))
        )
        return queryset.filter(
            Q(tracking_code=code) | Q(description__icontains=value) | Q(address__icontains=value) | Exists(party)
        )

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.now())
        return queryset
