from django.contrib import admin

from .models import RiskScore, ScoreFactor, ScorePolicy, ThreatSignal, WarningTerm


@admin.register(WarningTerm)
class WarningTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "severity", "pattern", "exclude", "active"]
    list_filter = ["kind", "severity", "active"]
    list_editable = ["severity", "active"]
    search_fields = ["term", "pattern"]


@admin.register(ScoreFactor)
class ScoreFactorAdmin(admin.ModelAdmin):
    list_display = ["code", "points", "cap", "active"]
    list_editable = ["points", "cap", "active"]


@admin.register(ScorePolicy)
class ScorePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "codes", "window_days", "medium_at", "high_at"]

    def has_add_permission(self, request):
        return not ScorePolicy.objects.exists()


@admin.register(ThreatSignal)
class ThreatSignalAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "phrase", "created_at", "handled_at", "handled_by_label"]
    list_filter = ["kind", "source"]
    search_fields = ["case__tracking_code", "phrase"]
    raw_id_fields = ["case", "event", "sheet", "handled_by"]
    readonly_fields = ["created_at", "handled_at", "handled_by", "handled_by_label"]


@admin.register(RiskScore)
class RiskScoreAdmin(admin.ModelAdmin):
    list_display = ["case", "score", "level", "computed_at", "high_notified_at"]
    list_filter = ["level"]
    search_fields = ["case__tracking_code"]
    raw_id_fields = ["case"]
    readonly_fields = ["score", "level", "reasons", "computed_at", "high_notified_at"]
