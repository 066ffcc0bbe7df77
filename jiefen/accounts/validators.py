"""Password policy validators whose messages are written in Chinese (zh-hans first)."""

from django.contrib.auth.password_validation import MinimumLengthValidator as Base
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(Base):
    """Django's length rule; its zh-hans catalog lacks this message, so it is given here."""

    def get_error_message(self):
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short",
                                  params={"min_length": self.min_length})

    def get_help_text(self):
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
