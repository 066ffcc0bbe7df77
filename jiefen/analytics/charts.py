"""Charts as inline SVG rendered on the server by pygal, with no script and no network."""

from __future__ import annotations

import re

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

STYLE = Style(background="white", plot_background="white", font_family="sans-serif",
              colors=("#1f6feb", "#d97706", "#059669", "#dc2626"),
              title_font_size=15, label_font_size=12, major_label_font_size=12, value_font_size=11)
# At their own size (not stretched to the page's width), labels never cut short.
COMMON = {"js": [], "style": STYLE, "show_legend": False, "explicit_size": True, "truncate_label": -1}


SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _svg(chart) -> str:
    # pygal writes its config as an inline <script> even with js=[]: the CSP forbids it and
    # nothing needs it (no tooltips script is loaded), so it is dropped.
    return mark_safe(SCRIPT.sub("", chart.render(is_unicode=True, disable_xml_declaration=True)))


def bars(title: str, rows: list[tuple[str, int]]) -> str:
    # pygal sizes labels as if Latin: a Chinese character is about twice as wide, so leave room
    widest = max((len(name) for name, _ in rows), default=0)
    chart = pygal.HorizontalBar(**COMMON, height=max(160, 26 * len(rows) + 70), width=520 + 6 * widest,
                                title=title, print_values=True, margin_left=6 * widest)
    chart.x_labels = [name for name, _ in rows]
    chart.add(title, [n for _, n in rows])
    return _svg(chart)


def trend(title: str, rows: list[tuple[object, int]]) -> str:
    chart = pygal.Line(**COMMON, height=280, width=720, title=title, x_label_rotation=30,
                       show_minor_x_labels=False)
    chart.x_labels = [f"{d:%m-%d}" for d, _ in rows]
    chart.x_labels_major_every = max(1, len(rows) // 10)
    chart.add(title, [n for _, n in rows])
    return _svg(chart)
