"""The lockout backend (django-axes) placed first in AUTHENTICATION_BACKENDS."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username+address before any password is checked.

    The login page always passes the request. Code that authenticates without one (Django's
    test client `login()`, scripts) has no client address to lock, so it is not counted here
    instead of failing with an error; it still needs the right password.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
