"""Signals the cases app sends; higher layers (notify, sla, warnings) listen."""

from django.dispatch import Signal

# Sent after the transaction that wrote the event has committed; kwargs: event.
event_committed = Signal()

# Sent inside the transaction that changed a case, after its events are written; kwargs:
# case, events. Receivers write in the same transaction (the sla app moves the clocks).
case_changed = Signal()

# Sent after commit for a batch of events written in bulk (the clock tick's sheets);
# kwargs: event_ids. Receivers handle them together (one queued task per batch).
events_committed = Signal()
