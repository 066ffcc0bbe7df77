from django.contrib import admin

from .models import Report, ReportSchedule


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ["region", "daily", "weekly", "monthly", "active"]
    list_editable = ["daily", "weekly", "monthly", "active"]
    autocomplete_fields = ["region"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["region", "kind", "year", "number", "period_start", "period_end", "generated_at", "by"]
    list_filter = ["kind"]
    readonly_fields = ["region", "kind", "period_start", "period_end", "year", "number", "generated_at", "by",
                       "pdf", "xlsx", "figures"]

    def has_add_permission(self, request):  # reports are generated, not typed in
        return False
