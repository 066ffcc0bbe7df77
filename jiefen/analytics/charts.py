"""Charts as inline SVG rendered on the server by pygal, with no script and no network."""

from __future__ import annotations

import re

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

STYLE = Style(background="white", plot_background="white", font_family="sans-serif",
              colors=("#1f6feb", "#d97706", "#059669", "#dc2626"))


SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _svg(chart) -> str:
    # pygal writes its config as an inline <script> even with js=[]: the CSP forbids it and
    # nothing needs it (no tooltips script is loaded), so it is dropped.
    return mark_safe(SCRIPT.sub("", chart.render(is_unicode=True, disable_xml_declaration=True)))


def bars(title: str, rows: list[tuple[str, int]]) -> str:
    chart = pygal.HorizontalBar(js=[], style=STYLE, show_legend=False, height=max(160, 28 * len(rows) + 60),
                                width=520, title=title, print_values=True)
    chart.x_labels = [name for name, _ in rows]
    chart.add(title, [n for _, n in rows])
    return _svg(chart)


def trend(title: str, rows: list[tuple[object, int]]) -> str:
    chart = pygal.Line(js=[], style=STYLE, show_legend=False, height=260, width=720, title=title,
                       x_label_rotation=30, show_minor_x_labels=False)
    chart.x_labels = [f"{d:%m-%d}" for d, _ in rows]
    chart.x_labels_major_every = max(1, len(rows) // 10)
    chart.add(title, [n for _, n in rows])
    return _svg(chart)
