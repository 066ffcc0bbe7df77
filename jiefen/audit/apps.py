"""The tamper-evident audit chain over events, personal-data views, permission changes and logins."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "jiefen.audit"
    label = "audit"
    verbose_name = _("审计链")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_delete, post_save, pre_save

        from jiefen.accounts.models import Membership

        from . import signals as s

        User = get_user_model()
        pre_save.connect(s.membership_pre_save, sender=Membership, dispatch_uid="audit.membership_pre_save")
        post_save.connect(s.membership_post_save, sender=Membership, dispatch_uid="audit.membership_post_save")
        post_delete.connect(s.membership_post_delete, sender=Membership,
                            dispatch_uid="audit.membership_post_delete")
        pre_save.connect(s.user_pre_save, sender=User, dispatch_uid="audit.user_pre_save")
        post_save.connect(s.user_post_save, sender=User, dispatch_uid="audit.user_post_save")
        user_logged_in.connect(s.logged_in, dispatch_uid="audit.logged_in")
        user_logged_out.connect(s.logged_out, dispatch_uid="audit.logged_out")
        user_login_failed.connect(s.login_failed, dispatch_uid="audit.login_failed")
