from django.contrib import admin

from .models import Hotline


@admin.register(Hotline)
class HotlineAdmin(admin.ModelAdmin):
    list_display = ["region", "phone", "hours"]
    search_fields = ["region__name", "phone"]
    raw_id_fields = ["region"]
