from django.contrib import admin

from .models import FollowUp


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["case", "due_date", "assignee_label", "done_at", "reached", "agreement_honoured", "satisfaction", "reopened", "cancelled_at"]
    list_filter = ["agreement_honoured", "satisfaction", "reached", "reopened"]
    search_fields = ["case__tracking_code", "assignee_label"]
    date_hierarchy = "due_date"
    raw_id_fields = ["case", "region", "assignee", "done_by"]
    readonly_fields = ["created_at", "done_at", "done_by", "done_by_label", "cancelled_at"]
