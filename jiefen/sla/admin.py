import datetime as dt

from django.contrib import admin
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, EscalationRule

WEEKDAYS = [_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"), _("星期日")]


class YearFilter(admin.SimpleListFilter):
    title = _("年份")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            CalendarDay.objects.annotate(y=ExtractYear("date")).order_by("-y").values_list("y", flat=True).distinct()
        )
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Public holidays and make-up working days; a date without a row follows the default
    rule (Monday to Friday work, Saturday and Sunday rest)."""

    list_display = ["date", "weekday", "day_kind", "name"]
    list_display_links = ["date"]
    list_filter = [YearFilter, "is_workday"]
    search_fields = ["name"]
    search_help_text = _("按说明搜索（如：国庆节、调休、暂定），或按日期搜索（如：2026-10-01、2026-10、2026）")
    date_hierarchy = "date"
    ordering = ["date"]
    fields = ["date", "is_workday", "name"]
    list_per_page = 100

    @admin.display(description=_("星期"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    @admin.display(description=_("上班/放假"), ordering="is_workday")
    def day_kind(self, obj: CalendarDay) -> str:
        return str(_("工作日") if obj.is_workday else _("休息日"))

    def get_search_results(self, request, queryset, search_term):
        """The name search, or a date, a month or a year (within the other filters)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        for fmt, lookups in (
            ("%Y-%m-%d", lambda d: {"date": d}),
            ("%Y-%m", lambda d: {"date__year": d.year, "date__month": d.month}),
            ("%Y", lambda d: {"date__year": d.year}),
        ):
            try:
                when = dt.datetime.strptime(term, fmt).date()
            except ValueError:
                continue
            return found | queryset.filter(**lookups(when)), may_have_duplicates
        return found, may_have_duplicates


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    """The escalation ladder per region and level; a deeper region's rule for the same level
    overrides its ancestor's. Ship examples with `jiefen load-ladder`."""

    list_display = ["region", "level", "max_attempts", "budget_days", "automatic", "enabled", "note"]
    list_display_links = ["region", "level"]
    list_filter = ["level", "automatic", "enabled"]
    list_editable = ["enabled"]
    search_fields = ["region__name", "note"]
    search_help_text = _("按区域名称或说明搜索")
    autocomplete_fields = ["region"]
    fields = ["region", "level", "max_attempts", "budget_days", "automatic", "enabled", "note"]
    list_select_related = ["region"]
