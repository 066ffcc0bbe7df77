from django.contrib import admin
from django.core.exceptions import ValidationError

from jiefen.lib.admin import ReadOnlyAdmin

from .models import EntryKind, Order, OrderStep, PointsEntry, PointsSetting


@admin.register(PointsSetting)
class PointsSettingAdmin(admin.ModelAdmin):
    list_display = ["region", "enabled", "completion_points", "good_rating", "rating_bonus", "late_penalty",
                    "max_offered", "period"]
    list_filter = ["enabled", "period"]
    raw_id_fields = ["region"]


class StepInline(admin.TabularInline):
    model = OrderStep
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "action", "actor_label", "note", "photo"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Orders change only through their steps on the site; the admin reads them."""

    list_display = ["title", "community", "status", "deadline", "department", "rating", "posted_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [StepInline]


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """Entries are never changed; an administrator corrects the points by adding an
    adjustment (人工调整) with its reason."""

    list_display = ["created_at", "department", "amount", "kind", "reason", "order", "created_by"]
    list_filter = ["kind"]
    search_fields = ["department__name", "reason"]
    raw_id_fields = ["department"]
    fields = ["department", "amount", "reason"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["department", "amount", "reason", "kind", "order", "created_by", "created_at"] if obj else []

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or self.fields

    def save_model(self, request, obj, form, change):
        if change:
            raise ValidationError("read only")
        obj.kind = EntryKind.ADJUSTMENT
        obj.created_by = request.user
        obj.full_clean()
        super().save_model(request, obj, form, change)
