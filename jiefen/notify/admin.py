from django.contrib import admin

from jiefen.lib.admin import ReadOnlyAdmin

from .models import Delivery, WebhookEndpoint


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "kind", "target", "status", "attempts", "next_try_at", "last_error"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["key", "target", "text"]
    exclude = ["notification", "user", "case", "event"]  # big selects; the text says what it was
    date_hierarchy = "created_at"


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "user", "department", "region", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    raw_id_fields = ["user", "department", "region"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)
