from django.contrib import admin

from .models import Department, DepartmentType, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "division_code", "population", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "division_code"]
    raw_id_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        # The materialized path (and each case's copy of it) follows the parent; moving a
        # region under another parent is a data migration, not an edit.
        return ["parent", "level"] if obj else []


@admin.register(DepartmentType)
class DepartmentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "name_en"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "region", "phone", "active"]
    list_filter = ["type", "active"]
    search_fields = ["name"]
    raw_id_fields = ["region"]
