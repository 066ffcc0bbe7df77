"""Online mediation rooms under polling: gunicorn (sync workers, as in production) on
PostgreSQL with --rooms (2,000) rooms of two parties and a mediator and --messages (20)
messages each; an asyncio generator keeps --connections (64) keep-alive connections busy,
each request a different party of a different room asking `GET /online/room/<id>/poll/
?after=<last id>` with that party's signed cookie (the page's poll when nothing is new, the
usual case; one in --fresh (20) polls finds one new message, which also moves the party's
seen mark), for --seconds (30). Then, as long, the same generator against /healthz (one
small query) on the same server, in the same run. Reported: polls/s, p50 and p99, errors,
server CPU per request, for both, and the ratio.

Why polling and not server-sent events: a sync worker held by an open event stream serves
nobody else, so SSE would need one worker (or thread) per open browser; a poll holds a
worker for a few milliseconds every few seconds, so a handful of workers serve thousands of
open rooms, and any worker of any server can answer any room (nothing is kept in memory)."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal

from benchmarks.common import emit, fresh_database, http_load, log, setup_django, vendor

SECRET = "intake-benchmark-not-secret-" + "x" * 40  # the server's (benchmarks.intake.start_gunicorn)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--fresh", type=int, default=20)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("JIEFEN_BENCH_WEB_WORKERS", "3")))
    args = parser.parse_args()
    os.environ["SECRET_KEY"] = SECRET  # the cookies are signed as the server will check them
    setup_django()
    fresh_database()
    if vendor() != "postgresql":
        raise SystemExit("the online benchmark runs on PostgreSQL")

    from django.db import connection

    from benchmarks.intake import free_port, start_gunicorn, wait_ready, with_cpu

    log(f"  {args.rooms:,} rooms, {args.messages} messages each …")
    polls = make_rooms(args.rooms, args.messages, args.fresh)
    connection.close()

    port = free_port()
    server = start_gunicorn(port, args.workers, 1)  # sync workers: one request at a time each
    try:
        wait_ready(port)
        asyncio.run(load(port, polls, 3, args.connections))
        log(f"  {args.seconds:.0f} s of polls over {args.connections} connections …")
        online = with_cpu(server.pid, lambda: asyncio.run(load(port, polls, args.seconds, args.connections)))
        log(f"  … and {args.seconds:.0f} s of /healthz")
        health = with_cpu(server.pid, lambda: asyncio.run(
            load(port, [("/healthz", "")], args.seconds, args.connections)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    log(f"  poll {online['rate']:.0f}/s p50 {online['p50_ms']:.1f} ms p99 {online['p99_ms']:.1f} ms "
        f"({online['errors']} errors); /healthz {health['rate']:.0f}/s p50 {health['p50_ms']:.1f} ms "
        f"p99 {health['p99_ms']:.1f} ms")
    emit({"vendor": "postgresql", "rooms": args.rooms, "messages": args.messages, "seconds": args.seconds,
          "connections": args.connections, "web_workers": args.workers, "poll": online, "healthz": health})


def make_rooms(n: int, per_room: int, fresh_every: int) -> list[tuple[str, str]]:
    """Rooms on demo-like cases, written in bulk; returns (path, cookie header) per party."""
    from django.core.signing import get_cookie_signer
    from django.utils import timezone

    from jiefen.accounts.models import Role, User
    from jiefen.cases.models import Case, Channel, Party, PartyRole
    from jiefen.lib.codes import new_tracking_code
    from jiefen.online import services
    from jiefen.online.models import Message, Participant, Room
    from jiefen.regions.models import Level, Region

    grid = Region.objects.filter(level=Level.GRID).first()
    center = grid.intake_center()
    mediator = User.objects.filter(memberships__role=Role.MEDIATOR).first() or User.objects.first()
    now = timezone.now()
    cases = Case.objects.bulk_create([
        Case(tracking_code=new_tracking_code(), channel=Channel.WEB, description="邻里漏水纠纷", region=grid,
             region_path=grid.path, center=center, status="in_progress", created_at=now)
        for _ in range(n)
    ], batch_size=1000)
    parties = Party.objects.bulk_create([
        Party(case=c, role=role, name=name, phone=f"139{i:04d}{k:04d}")
        for i, c in enumerate(cases) for k, (role, name) in enumerate(
            [(PartyRole.COMPLAINANT, "王建国"), (PartyRole.RESPONDENT, "李明")])
    ], batch_size=2000)
    rooms = Room.objects.bulk_create([Room(case=c, mediator=mediator) for c in cases], batch_size=1000)
    people = Participant.objects.bulk_create(
        [Participant(room=r, user=mediator, label="调解员") for r in rooms]
        + [Participant(room=rooms[i // 2], party=p, label=str(p), session_key=f"{i:016x}")
           for i, p in enumerate(parties)], batch_size=2000)
    mediators = {p.room_id: p for p in people if p.party_id is None}
    sides: dict[int, list] = {}
    for p in people:
        if p.party_id:
            sides.setdefault(p.room_id, []).append(p)
    rng = random.Random(3)
    Message.objects.bulk_create([  # one in five a private word with one side (背对背)
        Message(room=r, sender=mediators[r.pk], sender_label="调解员", text=f"第{k + 1}条消息：" + "请双方冷静协商。" * 3,
                private_with=rng.choice(sides[r.pk]) if rng.random() < 0.2 else None)
        for r in rooms for k in range(per_room)
    ], batch_size=5000)
    last = _last_ids()
    polls = []
    for i, p in enumerate(x for x in people if x.party_id):
        name = services.cookie_name(p.room_id)
        value = get_cookie_signer(salt=name + services.COOKIE_SALT).sign(services.cookie_value(p))
        after = last[p.room_id] - (1 if i % fresh_every == 0 else 0)
        polls.append((f"/online/room/{p.room_id}/poll/?after={after}", f"{name}={value}"))
    rng.shuffle(polls)
    return polls


def _last_ids() -> dict[int, int]:
    from django.db.models import Max

    from jiefen.online.models import Message

    return dict(Message.objects.values("room_id").annotate(m=Max("id")).values_list("room_id", "m"))


async def load(port: int, requests: list[tuple[str, str]], seconds: float, connections: int) -> dict:
    """GETs of (path, cookie) in a closed loop (benchmarks.common.http_load)."""
    raw = [(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Requested-With: fetch\r\n"
            + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n").encode() for path, cookie in requests]
    return await http_load(port, raw, seconds, connections)

if __name__ == "__main__":
    main()
