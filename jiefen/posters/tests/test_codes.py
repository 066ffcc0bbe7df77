"""Grid codes are short, read back to the same grid, and a mistyped code finds no grid."""

from jiefen.posters.codes import ALPHABET, decode, encode


def test_codes_are_short_and_round_trip():
    assert [encode(pk) for pk in (1, 400, 32767)] == ["001Y", "0CGK", "ZZZ3"]
    for pk in range(1, 40000, 7):
        assert decode(encode(pk)) == pk
        assert decode(encode(pk).lower()) == pk


def test_one_wrong_symbol_is_never_another_grid():
    for pk in range(1, 3000):
        code = encode(pk)
        for i, right in enumerate(code):
            for wrong in ALPHABET.replace(right, ""):
                assert decode(code[:i] + wrong + code[i + 1:]) is None, (code, i, wrong)


def test_what_is_not_a_code():
    for text in ("", "00", "0U1Y", "001Y!", "0" * 20, "0000"):
        assert decode(text) is None, text
