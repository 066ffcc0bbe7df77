from django.contrib import admin

from .models import LawsuitCount


@admin.register(LawsuitCount)
class LawsuitCountAdmin(admin.ModelAdmin):
    """The courts' monthly lawsuit counts (万人成诉率); usually imported with
    `jiefen analytics lawsuits FILE`, corrected here."""

    list_display = ["region", "month", "count", "source", "imported_at"]
    list_filter = ["month"]
    search_fields = ["region__name", "region__division_code"]
    autocomplete_fields = ["region"]
