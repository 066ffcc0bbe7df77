from django.contrib import admin

from .models import Scheme, Weight


class WeightInline(admin.TabularInline):
    model = Weight
    extra = 1
    fields = ["order", "indicator", "weight", "direction", "mapping", "floor", "target"]


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active", "green_at", "yellow_at", "min_cases"]
    list_filter = ["kind", "active"]
    inlines = [WeightInline]
