from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.api"
    label = "api"
    verbose_name = _("系统接口")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from jiefen.accounts.models import Membership, User

        from .models import ApiClient, forget_checked_keys

        for model in (ApiClient, User, Membership):
            post_save.connect(forget_checked_keys, sender=model, dispatch_uid=f"api-keys-{model.__name__}")
            post_delete.connect(forget_checked_keys, sender=model, dispatch_uid=f"api-keys-del-{model.__name__}")
