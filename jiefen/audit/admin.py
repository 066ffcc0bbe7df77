"""Read-only review of the audit chain and its own sources in the Django admin."""

from django.contrib import admin

from jiefen.lib.admin import ReadOnlyAdmin

from .models import AccessChange, AuditLink, AuthEvent


@admin.register(AuditLink)
class AuditLinkAdmin(ReadOnlyAdmin):
    list_display = ["seq", "source", "source_id", "hash", "sealed_at"]
    list_filter = ["source"]
    search_fields = ["hash", "content_hash"]


@admin.register(AccessChange)
class AccessChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "username", "what", "before", "after", "changed_by"]
    list_filter = ["what"]
    search_fields = ["username"]


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "username", "ip"]
    list_filter = ["kind"]
    search_fields = ["username", "ip"]
