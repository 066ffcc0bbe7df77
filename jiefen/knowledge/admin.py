from django.contrib import admin

from .models import Answer, TypicalCase


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("question", "item", "category", "order", "published")
    list_filter = ("published", "category")
    search_fields = ("question", "answer", "legal_basis")
    list_editable = ("order", "published")


@admin.register(TypicalCase)
class TypicalCaseAdmin(admin.ModelAdmin):
    list_display = ("title", "item", "status", "region", "author", "published_at")
    list_filter = ("status", "category")
    search_fields = ("title", "background")
    raw_id_fields = ("source_case", "author", "reviewer", "region")
