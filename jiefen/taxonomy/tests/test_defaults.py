"""The default taxonomy loads twice to the same rows, extra fields included, and its extra
fields are the ones a report is checked against."""

import pytest
from django.core.exceptions import ValidationError

from jiefen.intake.attributes import clean_attributes
from jiefen.taxonomy.defaults import load_taxonomy
from jiefen.taxonomy.models import Item, ItemAttribute

pytestmark = pytest.mark.django_db


def test_loading_twice_gives_the_same_rows():
    first = load_taxonomy()
    rows = ItemAttribute.objects.count()
    assert load_taxonomy() == first
    assert ItemAttribute.objects.count() == rows > 0
    assert Item.objects.count() == first["items"] >= 80


def test_noise_reports_ask_where_the_noise_comes_from():
    load_taxonomy()
    noise = Item.objects.get(code="1202")
    assert [f.code for f in noise.extra_fields.all()] == ["noise_source", "periods"]
    with pytest.raises(ValidationError, match="噪音来源"):
        clean_attributes(noise, {"periods": ["night"]})
    assert clean_attributes(noise, {"noise_source": "square_dance", "periods": ["evening", "night"]}) == {
        "noise_source": "square_dance", "periods": ["evening", "night"]}
