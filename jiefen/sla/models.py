"""The working calendar: weekends are rest days unless a row says otherwise; public
holidays and make-up workdays (调休) are rows an administrator loads each year."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=60, blank=True, help_text=_("如：国庆节、调休上班"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


from .ladder_models import EscalationRule  # noqa: E402, F401 - registered with the sla app
from .sheet_models import Clock, Sheet, Urging  # noqa: E402, F401 - registered with the sla app
