"""Default policy of the routing app, loaded by `jiefen load-defaults`."""

from __future__ import annotations

from .models import ClassifierVersion, RoutingPolicy


def load_defaults() -> str:
    """The policy row (kept if an administrator has one), and on day one a first classifier
    trained from the taxonomy's example texts."""
    policy = RoutingPolicy.objects.order_by("pk").first()
    created = policy is None
    if created:
        policy = RoutingPolicy.objects.create()
    trained = ""
    if not ClassifierVersion.objects.exists():
        from .services import active_version

        version = active_version()
        if version is not None:
            trained = f", classifier v{version.number} (macro-F1 {version.macro_f1:.3f} on {version.trained_on} examples)"
    return f"policy {'created' if created else 'kept'} (threshold {policy.confidence_threshold}){trained}"
