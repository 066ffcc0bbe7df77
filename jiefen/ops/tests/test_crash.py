"""A case acknowledged to its sender survives a crash. Real gunicorn on the test database,
several threads posting cases to the native API, then SIGKILL to the whole process group in
the middle of the load: every tracking code answered with 201 is in the database, and no case
is half-written (submit event, complainant unless anonymous, clocks)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from jiefen.api.models import ApiClient
from jiefen.cases.models import Case, Event, PartyRole
from jiefen.testing.factories import build_world

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the app server and the test share a database server"),
]

ROOT = Path(__file__).resolve().parents[3]
THREADS = 6
KILL_AFTER_ACKS = 60
KILL_AFTER_SECONDS = 8


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, tmp_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if k not in ("JIEFEN_TESTING", "JIEFEN_DEBUG", "JIEFEN_DEMO", "JIEFEN_TASKS_BACKEND")}
    env.update({
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "crash-test-not-secret-" + "x" * 40,
        "JIEFEN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "JIEFEN_RATE_USER": "1000000/minute",
        "JIEFEN_LOG_LEVEL": "WARNING",
        "JIEFEN_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    })
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jiefen.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "2", "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def wait_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


@pytest.mark.django_db(transaction=True)
def test_every_acknowledged_case_survives_sigkill(tmp_path):
    world = build_world()
    _client, key = ApiClient.issue("崩溃测试", world.county)
    headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    port = free_port()
    server = start_gunicorn(port, tmp_path)
    acked: list[str] = []
    errors: list[str] = []
    stop = threading.Event()

    def post_cases(t: int) -> None:
        n = 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while not stop.is_set():
            n += 1
            anonymous = n % 4 == 0
            body = {"description": f"第{t}-{n}号反映：工地拖欠工资三个月，十二名工人至今未拿到钱。",
                    "region": world.grids[(t + n) % len(world.grids)].pk, "group_size": 3}
            body |= {"anonymous": True} if anonymous else {"name": f"王{t}{n}", "phone": "13812345678"}
            try:
                conn.request("POST", "/api/v1/cases/", json.dumps(body, ensure_ascii=False).encode(), headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                if stop.is_set():
                    return
                time.sleep(0.05)  # the server is gone (or not yet there): try a new connection
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            if response.status == 201:
                acked.append(json.loads(data)["tracking_code"])
            else:
                errors.append(f"{response.status} {data[:200]!r}")

    try:
        wait_ready(port, server)
        threads = [threading.Thread(target=post_cases, args=(t,)) for t in range(THREADS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + KILL_AFTER_SECONDS
        while len(acked) < KILL_AFTER_ACKS and time.monotonic() < deadline:
            time.sleep(0.02)
        acked_at_kill = len(acked)
        os.killpg(server.pid, signal.SIGKILL)  # mid-load: requests are in flight in every thread
        server.wait(timeout=10)
        time.sleep(0.3)
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)

    assert not errors, errors[:3]
    assert acked_at_kill >= 20, "the load was running when the server was killed"
    assert len(set(acked)) == len(acked)
    stored = set(Case.objects.values_list("tracking_code", flat=True))
    missing = set(acked) - stored
    assert not missing, f"acknowledged but lost: {sorted(missing)[:5]}"

    cases = list(Case.objects.prefetch_related("parties", "clocks"))
    assert len(cases) >= len(acked)
    submitted = set(Event.objects.filter(action="submit").values_list("case_id", flat=True))
    for case in cases:
        assert case.pk in submitted, f"{case.tracking_code} has no submit event"
        complainants = [p for p in case.parties.all() if p.role == PartyRole.COMPLAINANT]
        assert len(complainants) == (0 if case.anonymous else 1), case.tracking_code
        assert case.clocks.all(), f"{case.tracking_code} has no clocks"
    assert any(c.anonymous for c in cases) and any(not c.anonymous for c in cases)
