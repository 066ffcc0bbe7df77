from django.contrib import admin

from .models import Category, Item, ItemAttribute


class ItemInline(admin.TabularInline):
    model = Item
    fields = ["code", "name", "department_type", "handling_kind", "respond_minutes", "sign_hours", "handle_days", "default_risk", "follow_up_days", "reopen_days", "active"]
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "active"]
    inlines = [ItemInline]


class ItemAttributeInline(admin.TabularInline):
    model = ItemAttribute
    fields = ["order", "code", "datatype", "label", "description", "required", "values"]
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    inlines = [ItemAttributeInline]
    list_display = ["code", "name", "category", "department_type", "handling_kind", "respond_minutes", "sign_hours", "handle_days", "default_risk", "follow_up_days", "reopen_days", "active"]
    list_filter = ["category", "handling_kind", "default_risk", "department_type"]
    search_fields = ["code", "name"]
