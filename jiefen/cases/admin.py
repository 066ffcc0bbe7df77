from django.contrib import admin

from jiefen.lib.admin import ReadOnlyAdmin

from .models import Case, Event, PersonalDataView, RetentionPolicy


class ReadOnlyEventInline(admin.TabularInline):
    model = Event
    fields = ["created_at", "action", "from_status", "to_status", "actor_label", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only: cases change only through the transition function (the staff pages)."""

    list_display = ["tracking_code", "status", "channel", "category", "item", "risk_grade", "center", "department", "created_at"]
    list_filter = ["status", "channel", "risk_grade", "category"]
    search_fields = ["tracking_code", "description"]
    inlines = [ReadOnlyEventInline]


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "viewer", "case", "field", "reason"]
    search_fields = ["case__tracking_code", "viewer__username"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "keep_days"]

    def has_add_permission(self, request):
        return not RetentionPolicy.objects.exists()  # one row
