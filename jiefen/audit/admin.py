"""Read-only review of the audit chain and its own sources in the Django admin."""

from django.contrib import admin

from .models import AccessChange, AuditLink, AuthEvent


class ReadOnly(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLink)
class AuditLinkAdmin(ReadOnly):
    list_display = ["seq", "source", "source_id", "hash", "sealed_at"]
    list_filter = ["source"]
    search_fields = ["hash", "content_hash"]


@admin.register(AccessChange)
class AccessChangeAdmin(ReadOnly):
    list_display = ["created_at", "username", "what", "before", "after"]
    list_filter = ["what"]
    search_fields = ["username"]


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnly):
    list_display = ["created_at", "kind", "username", "ip"]
    list_filter = ["kind"]
    search_fields = ["username", "ip"]
