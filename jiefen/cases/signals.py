"""Signals the cases app sends; higher layers (notify, sla, warnings) listen."""

from django.dispatch import Signal

# Sent after the transaction that wrote the event has committed; kwargs: event.
event_committed = Signal()
