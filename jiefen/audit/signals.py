"""Receivers that write the audit app's own source rows: permission changes (Membership saved
or deleted, a user's is_superuser / is_staff / is_active changed) and sign-in events.
Connected in Config.ready()."""

from __future__ import annotations

from .context import current_actor
from .models import AccessChange, AuthEvent

USER_FLAGS = ("is_superuser", "is_staff", "is_active")


def _changed_by() -> dict:
    actor = current_actor()
    return {"changed_by_id": actor[0], "changed_by": actor[1][:150]} if actor else {}


def _post(m) -> dict:
    return {"id": m.pk, "role": m.role, "region_id": m.region_id, "department_id": m.department_id}


def membership_pre_save(sender, instance, raw=False, **kwargs):
    instance._audit_before = None
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).first()
    instance._audit_before = _post(old) if old else None


def membership_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_audit_before", None)
    after = _post(instance)
    if not created and before == after:
        return
    what = AccessChange.What.MEMBERSHIP_ADDED if created or before is None else AccessChange.What.MEMBERSHIP_CHANGED
    AccessChange.objects.create(
        user_id=instance.user_id, username=instance.user.username, what=what,
        before=before or {}, after=after, **_changed_by(),
    )


def membership_post_delete(sender, instance, **kwargs):
    user = type(instance).user.field.related_model.objects.filter(pk=instance.user_id).first()
    AccessChange.objects.create(
        user_id=instance.user_id, username=user.username if user else "",
        what=AccessChange.What.MEMBERSHIP_REMOVED, before=_post(instance), after={}, **_changed_by(),
    )


def user_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_flags = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(USER_FLAGS):
        return  # e.g. last_login on every sign-in: no query
    old = sender.objects.filter(pk=instance.pk).values(*USER_FLAGS).first()
    instance._audit_flags = old


def user_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    now = {f: getattr(instance, f) for f in USER_FLAGS}
    if created:
        if now["is_superuser"] or now["is_staff"]:  # a new admin account is a permission change too
            AccessChange.objects.create(user_id=instance.pk, username=instance.username,
                                        what=AccessChange.What.USER_FLAGS, before={}, after=now, **_changed_by())
        return
    old = getattr(instance, "_audit_flags", None)
    if old is None or old == now:
        return
    changed = [f for f in USER_FLAGS if old[f] != now[f]]
    AccessChange.objects.create(
        user_id=instance.pk, username=instance.username, what=AccessChange.What.USER_FLAGS,
        before={f: old[f] for f in changed}, after={f: now[f] for f in changed}, **_changed_by(),
    )


def _ip(request) -> str:
    if request is None:
        return ""
    from jiefen.accounts.ratelimit import client_ip

    return (client_ip(request) or "")[:45]


def logged_in(sender, request, user, **kwargs):
    AuthEvent.objects.create(kind=AuthEvent.Kind.LOGIN, user_id=user.pk, username=user.get_username(),
                             ip=_ip(request))


def logged_out(sender, request, user, **kwargs):
    AuthEvent.objects.create(kind=AuthEvent.Kind.LOGOUT, user_id=getattr(user, "pk", None),
                             username=user.get_username() if user else "", ip=_ip(request))


def login_failed(sender, credentials, request=None, **kwargs):
    # Only the username: Django already blanks the password, and we never keep it.
    username = str(credentials.get("username") or credentials.get("email") or "")[:150]
    AuthEvent.objects.create(kind=AuthEvent.Kind.LOGIN_FAILED, username=username, ip=_ip(request))
