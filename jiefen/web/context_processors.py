from jiefen.notify.models import Notification
from jiefen.sla.sheets import open_counts


def staff(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "unread_count": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "my_posts": user.memberships_cached(),
        "sheet_counts": open_counts(user),
    }
