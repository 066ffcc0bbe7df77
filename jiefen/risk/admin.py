from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from .models import (
    OutsideMapping,
    OutsideRecord,
    ProposalRule,
    RiskHistory,
    RiskPerson,
    RiskVisit,
    VisitInterval,
)
from .outside import check_fields


class HistoryInline(admin.TabularInline):
    model = RiskHistory
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "action", "from_level", "to_level", "note", "case", "actor_label"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RiskPerson)
class RiskPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "status", "region", "grid_worker", "updated_at"]
    list_filter = ["level", "status"]
    search_fields = ["name"]
    raw_id_fields = ["region", "grid_worker", "cases"]
    inlines = [HistoryInline]


@admin.register(RiskVisit)
class RiskVisitAdmin(admin.ModelAdmin):
    list_display = ["person", "due_date", "done_at", "done_by_label", "level_after", "cancelled_at"]
    raw_id_fields = ["person", "done_by"]
    date_hierarchy = "due_date"


@admin.register(VisitInterval)
class VisitIntervalAdmin(admin.ModelAdmin):
    list_display = ["level", "days"]


@admin.register(ProposalRule)
class ProposalRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "item_codes", "category_codes", "level", "reason", "include_respondent", "active"]
    list_filter = ["kind", "level", "active"]


class MappingForm(ModelForm):
    class Meta:
        model = OutsideMapping
        fields = ["kind", "columns"]


    def clean(self):
        data = super().clean()
        problems = check_fields(data.get("columns"))
        if problems:
            raise ValidationError({"columns": problems})
        return data


@admin.register(OutsideMapping)
class OutsideMappingAdmin(admin.ModelAdmin):
    form = MappingForm
    list_display = ["kind"]


@admin.register(OutsideRecord)
class OutsideRecordAdmin(admin.ModelAdmin):
    list_display = ["kind", "source_ref", "name", "occurred_on", "title", "organ", "result"]
    list_filter = ["kind"]
    search_fields = ["source_ref", "name"]
    readonly_fields = ["imported_at", "file_name"]
