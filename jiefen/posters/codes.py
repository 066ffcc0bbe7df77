"""Short codes for the grids' QR posters: the region's id in Crockford base32 (no I, L, O, U,
so nothing is mistaken for 1 or 0 when typed from print), padded to three symbols, plus one
check symbol so a mistyped code finds no grid rather than the wrong one."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VALUE = {c: i for i, c in enumerate(ALPHABET)}
# What people type for the letters Crockford leaves out.
ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
MIN_DIGITS = 3


def _check(digits: str) -> str:
    """Luhn mod 32: catches any one wrong symbol and nearly every swap of two neighbours."""
    total, n = 0, len(ALPHABET)
    for i, c in enumerate(reversed(digits)):
        addend = VALUE[c] * (2 if i % 2 == 0 else 1)
        total += addend // n + addend % n
    return ALPHABET[-total % n]


def encode(pk: int) -> str:
    if pk < 1:
        raise ValueError("region ids start at 1")
    digits = ""
    while pk:
        pk, rest = divmod(pk, 32)
        digits = ALPHABET[rest] + digits
    digits = digits.rjust(MIN_DIGITS, "0")
    return digits + _check(digits)


def decode(code: str) -> int | None:
    """The region id a typed code stands for, or None when it is not a valid code."""
    code = code.upper().replace("-", "").replace(" ", "").translate(ALIASES)
    if len(code) < MIN_DIGITS + 1 or len(code) > 13 or any(c not in VALUE for c in code):
        return None
    digits, check = code[:-1], code[-1]
    if _check(digits) != check:
        return None
    pk = 0
    for c in digits:
        pk = pk * 32 + VALUE[c]
    return pk or None
