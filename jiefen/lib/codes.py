"""Tracking codes: short, unguessable, easy to read out over the phone.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), shown as
XXXX-XXXX: 30^8 ≈ 6.6 × 10^11 codes, drawn with the `secrets` module."""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8


def new_tracking_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def looks_like_tracking_code(value: str) -> bool:
    code = normalize_tracking_code(value)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def normalize_tracking_code(value: str) -> str:
    cleaned = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return cleaned
