import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from jiefen.lib.personal import (
    id_check_digit,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)

first17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@given(first17)
def test_an_id_with_the_right_check_digit_is_accepted(body):
    validate_id_number(body + id_check_digit(body))


@given(first17, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_is_caught(body, position, delta):
    number = body + id_check_digit(body)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    with pytest.raises(ValidationError):
        validate_id_number(changed)


def test_known_numbers():
    validate_id_number("11010519491231002X")  # GB 11643 example
    validate_id_number("11010519491231002x")
    with pytest.raises(ValidationError):
        validate_id_number("110105194912310021")


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "+8613812345678", "0531-88886666"])
def test_phone_numbers_people_type(phone):
    validate_phone(phone)


def test_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("110101199003071234") == "1101**********1234"
