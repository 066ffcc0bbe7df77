"""An administrator edits schemes in the admin; inconsistent weights are refused in Chinese."""

import pytest
from django.core.exceptions import ValidationError

from jiefen.accounts.models import User
from jiefen.assessment.defaults import load_defaults
from jiefen.assessment.models import Direction, Scheme, Weight

pytestmark = pytest.mark.django_db


def test_admin_lists_and_opens_the_default_schemes(client):
    load_defaults()
    admin = User.objects.create_superuser("root", password="x-Passw0rd-x")
    client.force_login(admin)
    html = client.get("/admin/assessment/scheme/").content.decode()
    assert "职能部门考评" in html and "调解员考评" in html
    s = Scheme.objects.get(name="职能部门考评")
    html = client.get(f"/admin/assessment/scheme/{s.pk}/change/").content.decode()
    assert "调成率" in html and "重启率" in html


def test_inconsistent_weights_and_thresholds_are_refused():
    load_defaults()
    s = Scheme.objects.get(name="职能部门考评")
    w = Weight(scheme=s, indicator="repeat_rate", weight=5, direction=Direction.LOWER, floor=0, target=10)
    with pytest.raises(ValidationError) as exc:
        w.full_clean()
    assert "越低越好的指标，目标值应低于起评值。" in str(exc.value)
    s.yellow_at = 90
    with pytest.raises(ValidationError) as exc:
        s.full_clean()
    assert "黄牌分数线不能高于绿牌分数线。" in str(exc.value)


def test_points_clamp_at_both_ends():
    load_defaults()
    reopen = Weight.objects.get(scheme__name="职能部门考评", indicator="reopen_rate")  # 20% → 0, 0% → 100
    assert [reopen.points(v) for v in (0.0, 0.05, 0.2, 0.5, None)] == [100.0, 75.0, 0.0, 0.0, None]
    success = Weight.objects.get(scheme__name="职能部门考评", indicator="success_rate")  # 60% → 0, 95% → 100
    assert [round(success.points(v), 2) for v in (0.3, 0.6, 0.8, 0.95, 1.0)] == [0.0, 0.0, 57.14, 100.0, 100.0]
