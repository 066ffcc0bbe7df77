import hashlib
import hmac
import json
import time

import pytest

from jiefen.imports.defaults import load_sources
from jiefen.imports.models import Source


@pytest.fixture
def source(world) -> Source:
    """The shipped 12345 source, serving the world's county."""
    load_sources(region=world.county)
    return Source.objects.get(code="12345")


def order(**overrides) -> dict:
    """A 12345 work order as the hotline system sends it (its own field names)."""
    data = {
        "工单编号": "GD20261129000123",
        "受理时间": "2026-11-29 09:30:00",
        "来电人": "王建国",
        "来电号码": "13812345678",
        "诉求标题": "工地拖欠工资",
        "诉求内容": "我们在幸福路工地干了三个月活，包工头一直拖着不给工资，一共欠了我们十二个人八万多块钱。",
        "问题分类": "劳动保障/拖欠工资",
        "事发地址": "幸福路18号工地",
        "涉及人数": 12,
        "涉及金额": "86000",
        "被反映对象": "宏达建筑劳务公司",
    }
    data.update(overrides)
    return data


def signed_post(client, source, body, *, secret=None, timestamp=None, delivery="d-1", signature=None,
                code=None):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    if signature is None:
        digest = hmac.new((secret or source.secret).encode(), f"{ts}.".encode() + raw, hashlib.sha256).hexdigest()
        signature = f"sha256={digest}"
    headers = {"HTTP_X_JIEFEN_TIMESTAMP": ts, "HTTP_X_JIEFEN_SIGNATURE": signature}
    if delivery:
        headers["HTTP_X_JIEFEN_DELIVERY"] = delivery
    return client.post(f"/hooks/{code or source.code}/", raw, content_type="application/json", **headers)
