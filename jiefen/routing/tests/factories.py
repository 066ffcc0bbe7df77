"""Test data for the classifier: the default taxonomy's example texts for the test world's
items, and demo-like descriptions varied from them (the demo generator's own function)."""

from __future__ import annotations

import json
import random

from jiefen.demo import texts
from jiefen.taxonomy.defaults import DEFAULT_TAXONOMY
from jiefen.testing.factories import World

WAGE_TEXT = "我们在工地干了半年活，包工头拖欠工资一直不给，十几个工友的血汗钱八万多块钱要不回来。"
PROPERTY_TEXT = "小区物业服务太差了，电梯坏了半个月没人修，楼道垃圾也没人打扫，还天天催着交物业费。"


def default_examples() -> dict[str, list[str]]:
    spec = json.loads(DEFAULT_TAXONOMY.read_text(encoding="utf-8"))
    return {i["code"]: i["examples"] for c in spec["categories"] for i in c["items"]}


def give_examples(world: World) -> None:
    """The world's four items get the default taxonomy's examples of the items they stand
    for (wages 0501, property service 0601, a policy enquiry told as a passage dispute 0201,
    repair funds 0604)."""
    examples = default_examples()
    for item, code in ((world.wage_item, "0501"), (world.property_item, "0601"),
                       (world.immediate_item, "0201"), (world.committed_item, "0604")):
        item.examples = examples[code]
        item.save()


def demo_texts(examples: list[str], category_code: str, n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        place = texts.place_for(rng, "东关街道", rng.choice(["东关1社区", "柳湾村"]))
        out.append(texts.describe(rng, examples, category_code=category_code, place=place,
                                  channel=rng.choice(["web", "grid", "hotline", "12345"])))
    return out
