"""The tamper-evident audit chain: seal() appends links after the fact over the append-only
source rows; verify() walks the chain and recomputes every hash from the rows as they are now.

Writers (perform(), intake, the clock tick's bulk COPY) never touch the chain, so they are
never serialised by it. The sealer runs in the worker (sealer.start) and from
`jiefen audit seal`. See docs/audit.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases.models import Event, PersonalDataView

from .models import AccessChange, AuditLink, AuthEvent

GENESIS = "0" * 64
# A row committed late (its transaction took its id before a row the sealer already sealed)
# is still picked up if it was created within this window; `seal(full=True)` finds any age.
LATE_WINDOW = dt.timedelta(hours=1)
LOCK_KEY = 0x4A1EF3A8  # pg_advisory_xact_lock key of the sealer
CHUNK = 5000


@dataclass(frozen=True)
class Source:
    name: str  # the link's source (for auth rows, the row's kind is the link's source)
    model: type
    fields: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # auth: the link sources this model's rows go under

    @property
    def link_names(self) -> tuple[str, ...]:
        return self.kinds or (self.name,)


SOURCES = (
    Source("event", Event, ("id", "case_id", "action", "from_status", "to_status", "actor_id",
                            "actor_label", "reason", "data", "public", "created_at")),
    Source("unmask", PersonalDataView, ("id", "case_id", "party_id", "field", "viewer_id",
                                        "reason", "created_at")),
    Source("membership", AccessChange, ("id", "user_id", "username", "what", "before", "after",
                                        "changed_by_id", "changed_by", "created_at")),
    Source("auth", AuthEvent, ("id", "kind", "user_id", "username", "ip", "created_at"),
           kinds=tuple(AuthEvent.Kind.values)),
)
BY_LINK_NAME = {name: s for s in SOURCES for name in s.link_names}


def _default(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    raise TypeError(f"not canonical: {type(value).__name__}")


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def content_hash(fields: tuple[str, ...], row: tuple) -> str:
    """sha256 over the canonical JSON of a source row (a values_list tuple in `fields` order)."""
    text = _CANONICAL.encode(dict(zip(fields, row, strict=True)))
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(prev_hash: str, seq: int, source: str, source_id: int, chash: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{seq}|{source}|{source_id}|{chash}".encode()).hexdigest()


def _link_source(src: Source, row: tuple) -> str:
    return row[src.fields.index("kind")] if src.kinds else src.name


def _unsealed(src: Source):
    linked = AuditLink.objects.filter(source__in=src.link_names, source_id=OuterRef("pk"))
    return src.model.objects.filter(~Exists(linked))


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def seal(limit: int = 10000, *, full: bool = False) -> int:
    """Append a link for each source row not yet in the chain (at most `limit`); return how many.

    Safe to run concurrently: the second sealer waits on the lock, then sees the first one's
    links. New rows are those above each source's last sealed id; rows committed late below it
    are found within LATE_WINDOW (or at any age with full=True)."""
    with transaction.atomic():
        _lock()
        last = AuditLink.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = last if last else (0, GENESIS)
        now = timezone.now()
        links: list[AuditLink] = []
        for src in SOURCES:
            room = limit - len(links)
            if room <= 0:
                break
            mark = AuditLink.objects.filter(source__in=src.link_names).aggregate(m=Max("source_id"))["m"] or 0
            rows = list(src.model.objects.filter(pk__gt=mark).order_by("pk")
                        .values_list(*src.fields)[:room])
            if len(rows) < room and mark:
                late = _unsealed(src).filter(pk__lte=mark)
                if not full:
                    late = late.filter(created_at__gte=now - LATE_WINDOW)
                rows = list(late.order_by("pk").values_list(*src.fields)[:room - len(rows)]) + rows
            for row in rows:
                seq += 1
                name = _link_source(src, row)
                chash = content_hash(src.fields, row)
                h = link_hash(prev, seq, name, row[0], chash)
                links.append(AuditLink(seq=seq, source=name, source_id=row[0], content_hash=chash,
                                       prev_hash=prev, hash=h, sealed_at=now))
                prev = h
        AuditLink.objects.bulk_create(links, batch_size=2000)
    return len(links)


def seal_all(batch: int = 10000, *, full: bool = False) -> int:
    total = 0
    while True:
        n = seal(batch, full=full)
        total += n
        if n < batch:
            return total


@dataclass
class Break:
    seq: int
    source: str
    source_id: int
    problem: str  # edited_row, deleted_row, edited_link, deleted_link, broken_prev


@dataclass
class Report:
    verified: int = 0
    last_hash: str = GENESIS
    last_seq: int = 0
    broken: Break | None = None
    unsealed: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.broken is None


def _check_chunk(chunk: list[tuple], state: dict) -> Break | None:
    by_source: dict[Source, list[int]] = {}
    for _seq, source, source_id, *_rest in chunk:
        src = BY_LINK_NAME.get(source)
        if src is not None:
            by_source.setdefault(src, []).append(source_id)
    rows: dict[tuple[Source, int], tuple] = {}
    for src, ids in by_source.items():
        low, high = min(ids), max(ids)
        # Sealed runs are mostly consecutive ids: a range scan is much cheaper than IN (...).
        rows_qs = src.model.objects.filter(pk__gte=low, pk__lte=high) if high - low < 2 * len(ids) \
            else src.model.objects.filter(pk__in=ids)
        for row in rows_qs.values_list(*src.fields):
            rows[(src, row[0])] = row
    for seq, source, source_id, chash, prev_hash, h in chunk:
        if seq != state["seq"] + 1:
            return Break(state["seq"] + 1, source, source_id, "deleted_link")
        if prev_hash != state["hash"]:
            return Break(seq, source, source_id, "broken_prev")
        if link_hash(prev_hash, seq, source, source_id, chash) != h:
            return Break(seq, source, source_id, "edited_link")
        src = BY_LINK_NAME.get(source)
        row = rows.get((src, source_id)) if src else None
        if row is None:
            return Break(seq, source, source_id, "deleted_row")
        if _link_source(src, row) != source or content_hash(src.fields, row) != chash:
            return Break(seq, source, source_id, "edited_row")
        state["seq"], state["hash"] = seq, h
        state["verified"] += 1
    return None


def verify(chunk_size: int = 20000) -> Report:
    """Walk the chain in seq order; stop at the first broken link."""
    report = Report()
    state = {"seq": 0, "hash": GENESIS, "verified": 0}
    links = (AuditLink.objects.order_by("seq")
             .values_list("seq", "source", "source_id", "content_hash", "prev_hash", "hash")
             .iterator(chunk_size=chunk_size))
    chunk: list[tuple] = []
    for link in links:
        chunk.append(link)
        if len(chunk) >= chunk_size:
            report.broken = _check_chunk(chunk, state)
            chunk = []
            if report.broken:
                break
    if chunk and not report.broken:
        report.broken = _check_chunk(chunk, state)
    report.verified, report.last_seq, report.last_hash = state["verified"], state["seq"], state["hash"]
    if not report.broken:
        report.unsealed = {src.name: _unsealed(src).count() for src in SOURCES}
    return report


def check_checkpoint(checkpoint: str) -> str:
    """An exported "SEQ:HASH" against a verified chain: "" if the chain still holds it, else why
    not (the chain was cut back or rewritten after the checkpoint was taken)."""
    seq_text, _sep, expected = checkpoint.strip().partition(":")
    if not seq_text.isdigit() or len(expected) != 64:
        return _("检查点格式应为“序号:哈希”，例如 1234:%(h)s。") % {"h": "0" * 64}
    link = AuditLink.objects.filter(seq=int(seq_text)).values_list("hash", flat=True).first()
    if link is None:
        return _("审计链中已没有第 %(seq)s 个节点：检查点之后链被截短。") % {"seq": seq_text}
    if link != expected.lower():
        return _("第 %(seq)s 个节点的哈希与检查点不符：检查点之前的链被改写。") % {"seq": seq_text}
    return ""
