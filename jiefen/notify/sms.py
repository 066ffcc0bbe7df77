"""Text messages through a backend chosen by the setting JIEFEN_SMS_BACKEND (a dotted path).

A provider adapter is a subclass of `BaseBackend` whose `send` returns the provider's message
id or raises `SmsError`; callers only ever call `get_backend().send(phone, text)`, so adding one
touches no caller. `ConsoleBackend` (the default, for development and tests) logs the message
and keeps it in `outbox`, the way Django's locmem mail backend keeps `mail.outbox`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from jiefen.lib.personal import mask_phone

log = logging.getLogger(__name__)

DEFAULT_BACKEND = "jiefen.notify.sms.ConsoleBackend"


class SmsError(Exception):
    """The message was not accepted; the text says why (shown in the delivery record)."""


@dataclass
class SmsMessage:
    phone: str
    text: str
    sent_at: object = field(default_factory=timezone.now)


# What the console backend "sent" in this process, oldest first. Tests read and clear it.
outbox: list[SmsMessage] = []


class BaseBackend:
    def send(self, phone: str, text: str) -> str:
        """Send `text` to `phone`; return the provider's message id, raise SmsError if refused."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Development: the message goes to the log (phone masked) and to `outbox`."""

    def send(self, phone: str, text: str) -> str:
        outbox.append(SmsMessage(phone, text))
        log.info("SMS to %s: %s", mask_phone(phone), text)
        return f"console-{len(outbox)}"


def get_backend() -> BaseBackend:
    return import_string(getattr(settings, "JIEFEN_SMS_BACKEND", "") or DEFAULT_BACKEND)()
