"""Who is acting in this request, for the records written by signal receivers (a post changed
in the admin is recorded with the administrator who changed it). Outside a request (a
command, the worker) there is nobody: the record says so."""

from __future__ import annotations

from contextvars import ContextVar

_actor: ContextVar[tuple[int | None, str] | None] = ContextVar("jiefen_audit_actor", default=None)


def current_actor() -> tuple[int | None, str] | None:
    """(user id, username) of the signed-in user of the request being served, or None."""
    return _actor.get()


class ActorMiddleware:
    """After AuthenticationMiddleware: remember the request's user for this request only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _actor.set((user.pk, user.get_username()) if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)
