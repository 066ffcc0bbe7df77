from django.contrib import admin

from .models import (
    BurstRule,
    DuplicatePolicy,
    GroupMember,
    GroupWarning,
    IncidentGroup,
    Suggestion,
    WarningCase,
)


@admin.register(DuplicatePolicy)
class DuplicatePolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "window_days", "levels_up", "threshold", "min_text", "max_suggestions"]
    list_editable = ["active"]


@admin.register(BurstRule)
class BurstRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "subject", "scope_level", "window_hours", "min_cases"]
    list_filter = ["active", "subject", "scope_level"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["case", "other", "kind", "score", "status", "decided_by", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["case__tracking_code", "other__tracking_code"]
    raw_id_fields = ["case", "other", "decided_by"]
    readonly_fields = ["created_at", "decided_at"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    raw_id_fields = ["case"]
    extra = 0


@admin.register(IncidentGroup)
class IncidentGroupAdmin(admin.ModelAdmin):
    list_display = ["pk", "lead", "created_at"]
    raw_id_fields = ["lead"]
    inlines = [GroupMemberInline]


class WarningCaseInline(admin.TabularInline):
    model = WarningCase
    raw_id_fields = ["case"]
    extra = 0


@admin.register(GroupWarning)
class GroupWarningAdmin(admin.ModelAdmin):
    list_display = ["subject_label", "region", "rule", "status", "opened_at", "last_case_at"]
    list_filter = ["status", "rule"]
    raw_id_fields = ["region", "closed_by"]
    inlines = [WarningCaseInline]
