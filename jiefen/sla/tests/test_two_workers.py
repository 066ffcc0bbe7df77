"""Two workers tick at the same moment over the same due clocks (PostgreSQL, two real
processes): every sheet is raised exactly once, with exactly one timeline event."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.db import connection

from jiefen.cases.models import Event, Status
from jiefen.sla.sheet_models import Clock, Sheet, SheetColour
from jiefen.testing.factories import advance, build_world, submit

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent workers need a database server"
)


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_never_raise_a_sheet_twice():
    world = build_world()
    cases = [advance(world, submit(world, description=f"第{i}户反映：工地拖欠工资至今未付，请尽快处理。"), Status.DISPATCHED) for i in range(60)]
    at = (max(c.red_at for c in Clock.objects.filter(kind="sign")) + dt.timedelta(minutes=1)).isoformat()

    env = {k: v for k, v in os.environ.items() if k != "JIEFEN_TASKS_BACKEND"} | {"DATABASE_URL": database_url()}
    command = [sys.executable, "-m", "jiefen.cli", "sla_tick", "--at", at]
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    sign_clocks = Clock.objects.filter(kind="sign").count()
    assert sign_clocks == len(cases)
    for colour in SheetColour.values:
        assert Sheet.objects.filter(colour=colour, clock__kind="sign").count() == len(cases), colour
    sheets = Sheet.objects.count()
    assert Event.objects.filter(action="raise_sheet").count() == sheets
    raised = sum(int(out.split()[1]) for out, _ in outputs)
    assert raised == sheets, "the two workers shared the work without overlap"
