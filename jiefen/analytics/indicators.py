"""The indicators, defined once: the dashboard, docs/indicators.md and reports read this table.

Each indicator computes from the summed rollup counters of a filter and a period (see
services.sums); "in the period" means the day (Asia/Shanghai) the thing happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .models import HOUR_BUCKETS


def ratio(a: float, b: float) -> float | None:
    return None if not b else a / b


def median_hours(s: dict) -> float | None:
    """Approximate median from the histogram: linear inside the bucket holding the middle case."""
    counts = [s.get(f"h{i}", 0) for i in range(len(HOUR_BUCKETS))]
    total = sum(counts)
    if not total:
        return None
    half, seen, lower = total / 2, 0, 0.0
    for upper, n in zip(HOUR_BUCKETS, counts, strict=True):
        if n and seen + n >= half:
            if upper is None:
                return lower
            return lower + (upper - lower) * (half - seen) / n
        seen += n
        lower = upper or lower
    return lower


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    definition: str
    compute: Callable[[dict], float | None]
    unit: str = "count"  # count | rate | hours | per10k | score


def _lazy_percent(template, **values):
    """`template % values`, translated when shown rather than when this module is imported
    (a lazy string's own % would freeze it in the language of the import)."""
    return lazy(lambda: str(template) % {k: str(v) for k, v in values.items()}, str)()


def _clock(kind: str, label: str) -> Indicator:
    return Indicator(
        f"on_time_{kind}", _lazy_percent(_("%(clock)s按时率"), clock=label),
        _lazy_percent(_("期间内停止的%(clock)s时限中，在期限内停止的比例（按时停止数 ÷ 停止数）。"), clock=label),
        lambda s: ratio(s[f"{kind}_met"], s[f"{kind}_stopped"]), "rate")


INDICATORS: list[Indicator] = [
    Indicator("received", _("受理登记"), _("期间内登记的案件数（按登记时间）。"), lambda s: s["received"]),
    Indicator("accepted", _("已受理"), _("期间内首次受理的案件数（按受理时间）。"), lambda s: s["accepted"]),
    Indicator("declined", _("不予受理"), _("期间内不予受理的案件数。"), lambda s: s["declined"]),
    Indicator("resolved", _("已化解"), _("期间内审核办结、最后办理结果为“已化解”的案件数（按办结时间）。"),
              lambda s: s["resolved"]),
    Indicator("unresolved", _("未化解"), _("期间内审核办结、最后办理结果为“未化解”的案件数（按办结时间）。"),
              lambda s: s["unresolved"]),
    Indicator("success_rate", _("调成率"),
              _("期间内办结案件中已化解的比例：已化解 ÷（已化解 + 未化解）。不予受理的不计入。"),
              lambda s: ratio(s["resolved"], s["resolved"] + s["unresolved"]), "rate"),
    _clock("respond", _("响应")),
    _clock("sort", _("分拨")),
    _clock("sign", _("签收")),
    _clock("handle", _("办理")),
    Indicator("avg_hours", _("平均办理时长"), _("期间内办结案件从登记到办结的平均小时数（自然时间）。"),
              lambda s: ratio(s["handle_hours"], s["handled"]), "hours"),
    Indicator("median_hours", _("办理时长中位数"),
              _("期间内办结案件办理小时数的中位数，由分段直方图线性插值近似（分段：4、8、24、48、72、120、"
                "168、240、360、720、1440 小时）。"), median_hours, "hours"),
    Indicator("satisfaction", _("满意率"), _("期间内办结且已评价的案件中评价为“满意”的比例（满意 ÷ 已评价）。"),
              lambda s: ratio(s["satisfied"], s["rated"]), "rate"),
    Indicator("reopen_rate", _("重启率"), _("期间内申请重启的次数 ÷ 期间内办结的案件数。"),
              lambda s: ratio(s["reopened"], s["closed"]), "rate"),
    Indicator("repeat_rate", _("重复件率"), _("期间内登记的案件中，经确认为重复件的比例（重复件 ÷ 登记数）。"),
              lambda s: ratio(s["repeats"], s["received"]), "rate"),
]
BY_KEY = {i.key: i for i in INDICATORS}

PRE_LITIGATION = Indicator(
    "pre_litigation_rate", _("诉前调解成功率"),
    _("来源渠道为“法院诉前委派”的案件的调成率：已化解 ÷（已化解 + 未化解），按办结时间。"),
    lambda s: ratio(s["resolved"], s["resolved"] + s["unresolved"]), "rate")

LAWSUITS = Indicator(
    "lawsuits_per_10k", _("万人成诉率"),
    _("期间所涉各月法院受理的诉讼案件数（法院按地区、月份统计，经“jiefen analytics lawsuits”导入）"
      " ÷ 地区常住人口 × 10000。只按地区统计，不按部门或调解员。"),
    lambda s: None, "per10k")


def fmt(ind: Indicator, value) -> str:
    if value is None:
        return "—"
    if ind.unit == "rate":
        return f"{value * 100:.2f}%"
    if ind.unit in ("hours", "per10k", "score"):
        return f"{value:.1f}" if ind.unit == "hours" else f"{value:.2f}"
    return f"{int(value):,}"
