from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from jiefen.lib.admin import ReadOnlyAdmin

from .models import ClassifierVersion, Outcome, Proposal, RoutingPolicy


@admin.register(RoutingPolicy)
class RoutingPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "confidence_threshold", "reason_terms", "alpha", "ngram_max", "folds"]


@admin.register(ClassifierVersion)
class ClassifierVersionAdmin(ReadOnlyAdmin):
    """Read-only: versions are made by `jiefen classifier train` and switched by `activate`."""

    list_display = ["__str__", "created_at", "active", "trained_on", "accuracy_pct", "macro_f1_pct",
                    "decided", "correction_rate"]
    fields = readonly_fields = ["number", "created_at", "active", "trained_on", "trained_cases", "trained_examples",
                       "folds", "accuracy", "macro_f1", "category_accuracy", "risk_accuracy", "params",
                       "decision", "correction_rate", "per_class_table"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("model").annotate(
            n_decided=Count("proposals", filter=~Q(proposals__outcome="")),
            n_corrected=Count("proposals", filter=Q(proposals__outcome=Outcome.CORRECTED)),
        )




    @admin.display(description=_("准确率"))
    def accuracy_pct(self, obj):
        return f"{obj.accuracy:.1%}" if obj.accuracy is not None else "—"

    @admin.display(description=_("宏平均F1"))
    def macro_f1_pct(self, obj):
        return f"{obj.macro_f1:.1%}" if obj.macro_f1 is not None else "—"

    @admin.display(description=_("已分类"))
    def decided(self, obj):
        return obj.n_decided

    @admin.display(description=_("更正率"))
    def correction_rate(self, obj):
        if not obj.n_decided:
            return "—"
        return f"{obj.n_corrected / obj.n_decided:.1%}（{obj.n_corrected}/{obj.n_decided}）"

    @admin.display(description=_("分事项得分（交叉验证）"))
    def per_class_table(self, obj):
        rows = sorted(obj.per_class.items(), key=lambda kv: (kv[1].get("f1", 0), kv[0]))
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((code, c.get("name", ""), f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}", c["support"])
             for code, c in rows),
        )
        return format_html(
            '<table data-testid="per-class"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>F1</th>'
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("代码"), _("事项"), _("精确率"), _("召回率"), _("样本数"), body,
        )


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["case", "version", "item", "risk_grade", "confidence", "needs_manual", "outcome", "final_item"]
    list_filter = ["outcome", "needs_manual", "version"]
    search_fields = ["case__tracking_code"]
    raw_id_fields = ["case", "item", "category", "department", "center", "final_item", "decided_by", "version"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
