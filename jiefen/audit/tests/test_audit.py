"""The tamper-evident audit chain as an auditor meets it: normal work is sealed and verifies
clean; an edit or a deletion made directly in the database, of a source row or of a link, is
reported by `jiefen audit verify` with a non-zero exit status."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from jiefen.accounts.models import Membership, Role
from jiefen.audit.models import AccessChange, AppendOnlyError, AuditLink, AuthEvent
from jiefen.audit.services import seal
from jiefen.cases.models import Event, PersonalDataView, Status
from jiefen.cases.privacy import reveal
from jiefen.testing.factories import PASSWORD, advance, build_world, staff, submit
from jiefen.testing.race import at_once


def run_verify(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def worked(world, client):
    """A day's work: two cases submitted and advanced, an unmask, a post granted and removed,
    a sign-in, a failed sign-in and a sign-out through the login page."""
    closed = advance(world, submit(world), Status.CLOSED)
    signed = advance(world, submit(world), Status.SIGNED)
    reveal(world["hr_handler"], signed, signed.parties.first(), "phone", "电话联系诉求人")
    post = Membership.objects.create(user=world["clerk"], role=Role.SUPERVISOR, region=world.county)
    post.delete()
    world["clerk"].is_staff = True
    world["clerk"].save()
    assert client.post("/accounts/login/", {"username": "clerk", "password": "wrong"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    return {"closed": closed, "signed": signed}


def test_normal_work_is_sealed_and_verifies_clean(worked):
    kinds = set(AuthEvent.objects.values_list("kind", flat=True))
    assert kinds == {"login", "login_failed", "logout"}
    stored = str(list(AuthEvent.objects.values()))
    assert "wrong" not in stored and PASSWORD not in stored  # never a password
    assert AuthEvent.objects.get(kind="login_failed").username == "clerk"
    whats = list(AccessChange.objects.filter(username="clerk").order_by("id").values_list("what", flat=True))
    assert whats[-3:] == ["membership_added", "membership_removed", "user_flags"]
    flags = AccessChange.objects.get(username="clerk", what="user_flags")
    assert (flags.before, flags.after) == ({"is_staff": False}, {"is_staff": True})
    removed = AccessChange.objects.get(username="clerk", what="membership_removed")
    assert removed.before["role"] == Role.SUPERVISOR and removed.after == {}

    code, out, _ = run_verify()  # nothing sealed yet: clean, everything waiting
    assert code == 0 and "已核验 0 个节点" in out

    sources = Event.objects.count() + PersonalDataView.objects.count() + AccessChange.objects.count() \
        + AuthEvent.objects.count()
    assert seal() == sources
    assert seal() == 0  # sealing twice adds nothing
    assert AuditLink.objects.filter(source="unmask").count() == 1
    assert AuditLink.objects.filter(source="login_failed").count() == 1
    code, out, _ = run_verify()
    last = AuditLink.objects.order_by("-seq").first()
    assert code == 0
    assert f"已核验 {sources} 个节点" in out and last.hash in out and "待封存记录：0" in out


def test_new_rows_wait_for_the_next_seal(world):
    submit(world)
    assert seal() > 0
    submit(world)
    code, out, _ = run_verify()
    waiting = Event.objects.count() - AuditLink.objects.filter(source="event").count()
    assert code == 0 and waiting > 0 and f"event {waiting}" in out
    assert seal() == waiting
    assert "待封存记录：0" in run_verify()[1]


def test_an_event_edited_in_the_database_is_reported(world):
    case = advance(world, submit(world), Status.DISPATCHED)
    seal()
    dispatch = case.events.get(action="dispatch")
    sql("UPDATE cases_event SET reason = %s WHERE id = %s", ["改过的原因", dispatch.pk])
    code, _, err = run_verify()
    link = AuditLink.objects.get(source="event", source_id=dispatch.pk)
    assert code == 1
    assert f"第 {link.seq} 个节点断开" in err and "来源记录在封存后被修改" in err and f"编号 {dispatch.pk}" in err
    assert f"此前 {link.seq - 1} 个节点完好" in err


def test_a_deleted_event_is_reported(world):
    case = advance(world, submit(world), Status.ACCEPTED)
    seal()
    accept = case.events.get(action="accept")
    sql("DELETE FROM cases_event WHERE id = %s", [accept.pk])
    code, _, err = run_verify()
    assert code == 1 and "来源记录在封存后被删除" in err and f"编号 {accept.pk}" in err


@pytest.mark.parametrize("column", ["content_hash", "hash", "source_id"])
def test_an_edited_link_is_reported(world, column):
    submit(world)
    seal()
    link = AuditLink.objects.order_by("seq")[1]
    value = link.source_id + 1000 if column == "source_id" else "f" * 64
    sql(f"UPDATE audit_auditlink SET {column} = %s WHERE id = %s", [value, link.pk])
    code, _, err = run_verify()
    assert code == 1 and f"第 {link.seq} 个节点断开" in err and "链节点被修改" in err


def test_a_deleted_link_and_a_rechained_link_are_reported(world):
    submit(world)
    seal()
    links = list(AuditLink.objects.order_by("seq"))
    assert len(links) >= 3
    sql("DELETE FROM audit_auditlink WHERE id = %s", [links[1].pk])
    code, _, err = run_verify()
    assert code == 1 and f"第 {links[1].seq} 个节点断开" in err and "链节点被删除" in err

    # Renumber the rest to hide the gap: the next link's prev hash no longer matches.
    sql("UPDATE audit_auditlink SET seq = seq - 1 WHERE seq > %s", [links[1].seq])
    code, _, err = run_verify()
    assert code == 1 and "前一哈希不符" in err


def test_a_chain_rewritten_after_an_exported_checkpoint_is_reported(world):
    submit(world)
    seal()
    last = AuditLink.objects.order_by("-seq").first()
    checkpoint = f"{last.seq}:{last.hash}"
    code, out, _ = run_verify("--checkpoint", checkpoint)
    assert code == 0 and "与审计链一致" in out

    # An attacker with database access edits an event and rebuilds the whole chain.
    event = Event.objects.order_by("id").first()
    sql("UPDATE cases_event SET reason = %s WHERE id = %s", ["伪造", event.pk])
    sql("DELETE FROM audit_auditlink")
    seal()
    assert run_verify()[0] == 0  # internally consistent again...
    code, _, err = run_verify("--checkpoint", checkpoint)
    assert code == 1 and "检查点之前的链被改写" in err  # ...but not with the exported hash

    sql("DELETE FROM audit_auditlink WHERE seq >= %s", [last.seq])  # cut back instead
    code, _, err = run_verify("--checkpoint", checkpoint)
    assert code == 1 and "链被截短" in err
    assert "格式" in run_verify("--checkpoint", "abc")[2]


def test_audit_link_refuses_update_and_delete_through_the_orm(world):
    submit(world)
    seal()
    link = AuditLink.objects.first()
    link.hash = "0" * 64
    with pytest.raises(AppendOnlyError):
        link.save()
    with pytest.raises(AppendOnlyError):
        link.delete()
    change = AccessChange.objects.create(username="x", what="user_flags")
    with pytest.raises(AppendOnlyError):
        change.delete()
    assert AuditLink.objects.get(pk=link.pk).hash != "0" * 64


def test_seal_command_and_limit(world):
    submit(world)
    total = Event.objects.count() + AccessChange.objects.count()
    assert seal(limit=2) == 2
    out = io.StringIO()
    call_command("audit", "seal", stdout=out)
    assert f"已封存 {total - 2} 条记录" in out.getvalue()
    assert list(AuditLink.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert run_verify()[0] == 0


def test_a_row_committed_late_below_the_mark_is_still_sealed(world):
    case = submit(world)
    top = Event.objects.order_by("-id").first().pk
    Event.objects.bulk_create([Event(id=top + 100, case=case, action="note", actor_label="系统")])
    seal()
    # A transaction that took a lower id committed after the sealer passed it.
    Event.objects.bulk_create([Event(id=top + 50, case=case, action="note", actor_label="系统")])
    code, out, _ = run_verify()
    assert code == 0 and "event 1" in out
    assert seal() == 1
    assert AuditLink.objects.filter(source="event", source_id=top + 50).exists()
    assert run_verify()[0] == 0


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sealers_make_one_chain():
    world = build_world()
    for _ in range(4):
        advance(world, submit(world), Status.SIGNED)
    staff(Role.CLERK, region=world.county)
    outcomes = at_once(seal, seal)
    assert [o.error for o in outcomes] == [None, None]
    results = [o.result for o in outcomes]
    total = Event.objects.count() + AccessChange.objects.count()
    assert sorted(results) == [0, total]
    assert list(AuditLink.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert run_verify()[0] == 0


def test_a_post_given_in_the_admin_records_who_gave_it(world, client):
    from jiefen.accounts.models import User

    User.objects.create_superuser("root", password=PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    newcomer = staff(Role.CLERK, region=world.streets[0], username="newcomer")
    response = client.post("/admin/accounts/membership/add/", {
        "user": newcomer.pk, "role": Role.DISPATCHER, "region": world.streets[1].pk, "department": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    change = AccessChange.objects.filter(username="newcomer", what="membership_added").latest("id")
    assert change.after["role"] == Role.DISPATCHER
    assert change.changed_by == "root" and change.changed_by_id == User.objects.get(username="root").pk
    # made outside a request (a command, the factories): nobody is named
    first = AccessChange.objects.filter(username="newcomer").earliest("id")
    assert first.changed_by == "" and first.changed_by_id is None
    seal()
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "完好" in out.getvalue() or "intact" in out.getvalue().lower()
