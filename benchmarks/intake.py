"""Intake under load: gunicorn with the production settings on PostgreSQL, a load generator
on the same machine posting realistic cases for --seconds (60) to the native API
(POST /api/v1/cases/, key authentication, the whole intake path: validation, point and
region checks, case, party, first event, clocks, queued notification), then the same
generator against a bare endpoint of the same server that only inserts a row (see
intake_urls.py), for as long, in the same run.

The generator: asyncio, --connections (16) keep-alive HTTP/1.1 connections, each sending its
next request as soon as the last answer arrived (closed loop); every latency is kept.
Reported: requests/s, p50 and p99 latency, errors, for both; and the ratio intake / bare.

The issue's goal: at least 600 cases/s with p99 under 100 ms, and at least half of the
bare-insert figure. The rate limit for keyed callers is raised for the run
(JIEFEN_RATE_USER), since the benchmark is one caller."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import emit, fresh_database, http_load, log, setup_django, vendor

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("JIEFEN_BENCH_WEB_WORKERS", "3")))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    setup_django()
    fresh_database()
    if vendor() != "postgresql":
        raise SystemExit("the intake benchmark runs on PostgreSQL")

    from django.db import connection

    from jiefen.api.models import ApiClient
    from jiefen.regions.models import Level, Region
    from jiefen.taxonomy.models import Item

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_bare_intake (id bigserial PRIMARY KEY, body jsonb, created_at timestamptz)")
    county = Region.objects.filter(level=Level.COUNTY).first()
    _client, key = ApiClient.issue("压力测试", county)
    payloads = realistic_cases(list(Region.objects.filter(level=Level.GRID, path__startswith=county.path)),
                               list(Item.objects.exclude(examples=[]).values_list("examples", flat=True)))
    connection.close()

    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads)
    try:
        wait_ready(port)
        case_body = [json.dumps(p, ensure_ascii=False).encode() for p in payloads]
        headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
        log(f"  warm-up, then {args.seconds:.0f} s of intake over {args.connections} connections …")
        asyncio.run(load(port, "/api/v1/cases/", headers, case_body, 3, args.connections))
        intake = with_cpu(server.pid, lambda: asyncio.run(
            load(port, "/api/v1/cases/", headers, case_body, args.seconds, args.connections)))
        log(f"  … and {args.seconds:.0f} s of the bare insert")
        bare = with_cpu(server.pid, lambda: asyncio.run(
            load(port, "/bench/bare/", {"Content-Type": "application/json"}, case_body, args.seconds, args.connections)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    log(f"  intake {intake['rate']:.0f}/s p50 {intake['p50_ms']:.1f} ms p99 {intake['p99_ms']:.1f} ms "
        f"({intake['errors']} errors, {intake['server_cpu_ms']:.2f} ms server CPU each); bare {bare['rate']:.0f}/s "
        f"p50 {bare['p50_ms']:.1f} ms p99 {bare['p99_ms']:.1f} ms ({bare['server_cpu_ms']:.2f} ms server CPU each)")
    emit({"vendor": "postgresql", "seconds": args.seconds, "connections": args.connections,
          "web_workers": args.workers, "web_threads": args.threads, "intake": intake, "bare": bare})


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (gunicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def with_cpu(server_pid: int, run) -> dict:
    """Run a load phase; add the server's and the load generator's CPU per answered request,
    which say more than the rates on a shared machine (cases/s per core = 1000 / server_cpu_ms)."""
    server_before, own_before = cpu_seconds(server_pid), time.process_time()
    result = run()
    n = max(result["requests"], 1)
    result["server_cpu_ms"] = (cpu_seconds(server_pid) - server_before) * 1000 / n
    result["generator_cpu_ms"] = (time.process_time() - own_before) * 1000 / n
    return result


def realistic_cases(grids, examples: list[list[str]], n: int = 2000) -> list[dict]:
    """Reports as residents write them: an example text of a random item, in a random grid,
    with a name and a valid mobile number; a point inside the grid half the time."""
    from jiefen.demo import texts
    from jiefen.lib.geo import bounds

    rng = random.Random(7)
    cases = []
    for _ in range(n):
        grid = rng.choice(grids)
        name, _male = texts.person_name(rng)
        case = {
            "description": rng.choice(rng.choice(examples)) + f"（{grid.name}附近）",
            "region": grid.pk, "name": name, "phone": texts.mobile(rng),
            "group_size": rng.choice([1, 1, 1, 2, 3, 6]),
        }
        if grid.outline and rng.random() < 0.5:
            x0, y0, x1, y1 = bounds(grid.outline)
            case["latitude"] = round(rng.uniform(y0, y1), 6)
            case["longitude"] = round(rng.uniform(x0, x1), 6)
        cases.append(case)
    return cases


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ)
    for name in ("JIEFEN_DEMO", "JIEFEN_DEBUG", "JIEFEN_TESTING"):
        env.pop(name, None)
    env.update({
        "DJANGO_SETTINGS_MODULE": "benchmarks.intake_settings",
        "SECRET_KEY": "intake-benchmark-not-secret-" + "x" * 40,
        "JIEFEN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "JIEFEN_RATE_USER": "1000000/minute",
        "JIEFEN_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    })
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jiefen.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--log-level", "warning",
         "--backlog", "2048"],
        env=env, cwd=ROOT,
    )


def wait_ready(port: int) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def posts(path: str, headers: dict, bodies: list[bytes]) -> list[bytes]:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return [(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(body)}\r\n\r\n").encode() + body
            for body in bodies]


async def load(port: int, path: str, headers: dict, bodies: list[bytes], seconds: float, connections: int) -> dict:
    return await http_load(port, posts(path, headers, bodies), seconds, connections)

if __name__ == "__main__":
    main()
