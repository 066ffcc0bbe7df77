from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import importer
from .models import BatchStatus, Delivery, ImportBatch, Source
from .services import record_batch


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "channel", "region", "active", "secret_rotated_at"]
    list_filter = ["channel", "active"]
    search_fields = ["code", "name"]
    readonly_fields = ["secret_rotated_at"]
    autocomplete_fields = ["region"]
    actions = ["rotate_secret"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            messages.warning(request, _("%(name)s 的签名密钥（只显示这一次，请交给对方系统保存）：%(secret)s")
                             % {"name": obj.name, "secret": obj.secret})

    @admin.action(description=gettext_lazy("为所选来源重新生成签名密钥"))
    def rotate_secret(self, request, queryset):
        for source in queryset:
            messages.warning(request, _("%(name)s 的新签名密钥（只显示这一次）：%(secret)s")
                             % {"name": source.name, "secret": source.rotate_secret()})


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["delivery_id", "source", "external_id", "status_code", "case", "received_at"]
    list_filter = ["source", "status_code"]
    search_fields = ["delivery_id", "external_id"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(Source.objects.filter(active=True), label=gettext_lazy("来源"))
    file = forms.FileField(label=gettext_lazy("文件"), help_text=gettext_lazy(".xlsx 或 .csv（UTF-8 或 GBK 编码），第一行为表头"))
    sheet = forms.CharField(label=gettext_lazy("工作表"), required=False, max_length=100,
                            help_text=gettext_lazy("仅 .xlsx；留空为第一个工作表"))
    skip_bad = forms.BooleanField(label=gettext_lazy("跳过错误行，只导入正确的行"), required=False)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "source", "status", "created_by", "created_at", "rows", "new", "existing", "bad", "report"]
    list_filter = ["source", "status"]
    search_fields = ["file_name"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("检查结果"))
    def report(self, batch):
        url = reverse("admin:imports_importbatch_preview", args=[batch.pk])
        label = _("查看并确认") if batch.status == BatchStatus.PREVIEW else _("查看")
        return format_html('<a href="{}">{}</a>', url, label)

    def get_urls(self):
        return [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="imports_importbatch_preview"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """Upload: keep the file, check every row, show the report."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            batch = ImportBatch.objects.create(
                source=form.cleaned_data["source"], file=upload, file_name=upload.name[:200],
                sheet=form.cleaned_data["sheet"], skip_bad=form.cleaned_data["skip_bad"], created_by=request.user,
            )
            with batch.file.open("rb") as fh:
                report = importer.plan(batch.source, fh, batch.file_name, sheet=batch.sheet)
            record_batch(report, batch=batch)
            return redirect("admin:imports_importbatch_preview", batch.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("上传工单文件")}
        return render(request, "admin/imports/importbatch/upload.html", context)

    def preview_view(self, request, pk):
        """The report of a batch; POST confirms (imports the new rows, once)."""
        batch = get_object_or_404(ImportBatch.objects.select_related("source", "created_by"), pk=pk)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_add_permission(request):
                raise PermissionDenied
            return self._confirm(request, batch)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "batch": batch,
            "title": _("导入预览：%(name)s") % {"name": batch.file_name},
            "can_confirm": self.can_confirm(batch),
            "file_error": any(e.get("row") is None for e in batch.errors),
        }
        return render(request, "admin/imports/importbatch/preview.html", context)

    @staticmethod
    def can_confirm(batch: ImportBatch) -> bool:
        file_error = any(e.get("row") is None for e in batch.errors)
        return batch.status == BatchStatus.PREVIEW and not file_error and (batch.bad == 0 or batch.skip_bad)

    def _confirm(self, request, batch: ImportBatch):
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("source__region").get(pk=batch.pk)
            if not self.can_confirm(batch):
                messages.error(request, _("该批次已导入或有错误行，不能导入。"))
                return redirect("admin:imports_importbatch_preview", batch.pk)
            with batch.file.open("rb") as fh:
                report = importer.plan(batch.source, fh, batch.file_name, sheet=batch.sheet)
            importer.commit(report, skip_bad=batch.skip_bad)
            if not report.committed:  # the data changed since the preview: show the new report
                record_batch(report, batch=batch)
                messages.error(request, _("文件检查结果有变化，未导入：%(summary)s") % {"summary": report.summary()})
                return redirect("admin:imports_importbatch_preview", batch.pk)
            record_batch(report, batch=batch)
        messages.success(request, report.summary())
        return redirect(reverse("admin:imports_importbatch_changelist"))
