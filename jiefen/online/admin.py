from django.contrib import admin

from .models import AgreementTemplate, JudicialApplication, Room


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    list_display = ("item", "title")
    autocomplete_fields = ("item",)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("case", "mediator", "created_at", "closed_at")
    raw_id_fields = ("case", "mediator")


@admin.register(JudicialApplication)
class JudicialApplicationAdmin(admin.ModelAdmin):
    list_display = ("agreement", "court", "sent_at", "answer", "answered_on")
    readonly_fields = ("agreement", "created_by", "created_at")
