"""Who may see a party's personal data unmasked, and the log of every unmasked view."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jiefen.accounts.models import Role
from jiefen.lib.personal import mask_id_number, mask_name, mask_phone

from .models import Case, Party, PersonalDataView
from .scope import can_see

MASKS = {"phone": mask_phone, "id_number": mask_id_number, "name": mask_name}
# Roles whose work needs the contact: they may unmask, with a reason, on cases they hold.
UNMASK_AT_CENTER = {Role.CLERK, Role.DISPATCHER, Role.LEADER, Role.MEDIATOR}


def may_unmask(user, case: Case) -> bool:
    if not user.is_authenticated or not can_see(user, case):
        return False
    if user.is_superuser:
        return True
    centers = {case.center_id, case.origin_center_id}
    for m in user.memberships_cached():
        if m.role == Role.HANDLER and m.department_id == case.department_id:
            return True
        if m.role in UNMASK_AT_CENTER and m.region_id in centers:
            return True
    return False


def masked(party: Party, field: str) -> str:
    value = getattr(party, field)
    return MASKS[field](value) if value else ""


def reveal(user, case: Case, party: Party, field: str, reason: str) -> str:
    """Return the unmasked value and log the view; raise PermissionError or ValueError."""
    if field not in MASKS or party.case_id != case.pk:
        raise ValueError(_("没有这项个人信息。"))
    if not may_unmask(user, case):
        raise PermissionError(_("您无权查看该案件当事人的完整个人信息。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(_("请填写查看事由，例如“电话联系诉求人”。"))
    PersonalDataView.objects.create(case=case, party=party, field=field, viewer=user, reason=reason[:200])
    return getattr(party, field)
