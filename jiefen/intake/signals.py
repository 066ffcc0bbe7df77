"""What the intake function announces to the layers that judge a new case."""

from django.dispatch import Signal

# Sent by the background task that runs after a new case has been committed (never inside the
# sender's request, so that judging a case does not slow its intake); kwargs: case, event_id
# (its "submit" event). Receivers run in the order their apps are installed: notify (the new
# case's notice to its center), routing (classify, propose a department),
# incidents (repeats, same incident, group bursts), warnings (threats, risk score), risk.
# Each receiver writes in its own transaction; one that fails does not stop the others.
case_received = Signal()
