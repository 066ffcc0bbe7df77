"""What a scheme may weigh: every dashboard indicator (defined once in analytics.indicators),
plus the residents' rating of a mediator, which comes from the mediator orders (点单) rather
than from the rollups and is only meaningful for mediator schemes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiefen.analytics.indicators import INDICATORS, Indicator, ratio

MEDIATOR_RATING = Indicator(
    "mediator_rating", _("群众评分"),
    _("期间内群众对点单调解员的评分（1–5 分）的平均分，按评价时间；只用于调解员考评。"),
    lambda s: ratio(s.get("rating_sum", 0), s.get("rating_count", 0)), "score")

ALL = [*INDICATORS, MEDIATOR_RATING]
BY_KEY = {i.key: i for i in ALL}
