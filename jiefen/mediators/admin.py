from django.contrib import admin

from .models import Mediator, MediatorOrder, Organisation


class MediatorInline(admin.TabularInline):
    model = Mediator
    extra = 0
    fields = ["name", "kind", "region", "public", "active"]
    raw_id_fields = ["region"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "phone", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "address"]
    raw_id_fields = ["region"]
    inlines = [MediatorInline]


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "region", "user", "public", "max_open_orders", "active"]
    list_filter = ["kind", "public", "active", "organisation__kind"]
    search_fields = ["name", "organisation__name", "user__username"]
    raw_id_fields = ["user", "region", "organisation"]
    filter_horizontal = ["specialties"]


@admin.register(MediatorOrder)
class MediatorOrderAdmin(admin.ModelAdmin):
    """Orders change through the pages (and their timeline events); the admin only reads."""

    list_display = ["case", "mediator", "status", "by_resident", "created_at", "answered_at", "rating"]
    list_filter = ["status", "by_resident"]
    search_fields = ["case__tracking_code", "mediator__name"]
    readonly_fields = [f.name for f in MediatorOrder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
