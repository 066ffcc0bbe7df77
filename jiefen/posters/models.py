"""The telephone number printed on a grid's poster: a center's hotline, kept as a row so an
administrator can change it without a release."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Hotline(models.Model):
    """A center's public hotline. A poster prints the one of the grid's nearest region that
    has one (the community, then the street, then the district)."""

    region = models.OneToOneField(
        "regions.Region", models.CASCADE, related_name="hotline", verbose_name=_("中心/区域")
    )
    phone = models.CharField(
        _("热线电话"),
        max_length=30,
        validators=[RegexValidator(r"^[0-9+\-() ]{3,30}$", _("请填写电话号码，只能包含数字、空格和 + - ( )。"))],
    )
    hours = models.CharField(_("接听时间"), max_length=60, blank=True, help_text=_("例如：工作日 8:30-17:30"))

    class Meta:
        verbose_name = _("中心热线")
        verbose_name_plural = _("中心热线")

    def __str__(self) -> str:
        return f"{self.region} {self.phone}"
