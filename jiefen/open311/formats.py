"""Open311 bodies in the two formats of the spec: JSON and XML with the spec's element names.

A view returns plain Python data (dicts, lists, strings, numbers, booleans, None); `render`
writes it as JSON, or as XML under the root element the spec names, each list item under
the singular element of its list (`<services><service>`, `<formats><format>` …). XML is
built with ElementTree, so text is escaped; characters XML 1.0 cannot carry are dropped."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# List element → the element of each of its items.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """An answer in the spec's error format: one or more descriptions under one HTTP status."""

    def __init__(self, status: int, *descriptions: str, headers: dict | None = None):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.headers = headers or {}


def render(data, fmt: str, *, root: str, status: int = 200, headers: dict | None = None) -> HttpResponse:
    if fmt == "xml":
        body = ET.tostring(_element(root, data), encoding="utf-8", xml_declaration=True)
        response = HttpResponse(body, content_type=XML_TYPE, status=status)
    else:
        response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type=JSON_TYPE, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def render_error(error: Open311Error, fmt: str) -> HttpResponse:
    rows = [{"code": error.status, "description": d} for d in error.descriptions]
    return render(rows, fmt, root="errors", status=error.status, headers=error.headers)


def _element(tag: str, value) -> ET.Element:
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            node.append(_element(key, child))
    elif isinstance(value, list | tuple):
        item_tag = ITEMS.get(tag, "item")
        for child in value:
            node.append(_element(item_tag, child))
    elif value is not None:
        node.text = NOT_XML.sub("", _text(value))
    return node


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
