from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "region", "role", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["channel", "role"]
    search_fields = ["name", "key_id"]
    readonly_fields = ["key_id", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke", "rotate"]

    def get_readonly_fields(self, request, obj=None):
        # the scope of an existing client is its service account's post: not changed here
        return self.readonly_fields + (["channel", "region", "role"] if obj else [])

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        client, key = ApiClient.issue(obj.name, obj.region, channel=obj.channel, role=obj.role, created_by=request.user)
        obj.pk, obj.user_id, obj.key_id = client.pk, client.user_id, client.key_id
        obj._state.adding = False
        messages.warning(request, _("接口密钥（只显示这一次，请立即交给对方系统保存）：%(key)s") % {"key": key})

    @admin.action(description=gettext_lazy("吊销所选调用方的密钥"))
    def revoke(self, request, queryset):
        for client in queryset.filter(revoked_at__isnull=True):
            client.revoke()
        messages.success(request, _("已吊销。"))

    @admin.action(description=gettext_lazy("为所选调用方重新生成密钥"))
    def rotate(self, request, queryset):
        for client in queryset.filter(revoked_at__isnull=True):
            messages.warning(request, _("%(name)s 的新密钥（只显示这一次）：%(key)s") % {"name": client.name, "key": client.rotate()})
