"""`jiefen backup` then `jiefen restore`: the restored system equals the one backed up (rows per
table, every case's code, status and timeline, the photos' bytes), on SQLite and PostgreSQL; a
damaged archive or a non-empty database without --yes is refused and nothing changes."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image

from jiefen.cases.models import Attachment, Case, Event, Status
from jiefen.cases.services import perform
from jiefen.intake.services import add_photo
from jiefen.ops.backup import table_counts
from jiefen.testing.factories import advance, build_world, submit

pytestmark = pytest.mark.django_db(transaction=True)


def photo(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (24, 16), colour).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def snapshot() -> dict:
    """What a user of the restored system would compare: each case with its timeline and photos."""
    cases = {}
    for case in Case.objects.order_by("tracking_code"):
        cases[case.tracking_code] = {
            "status": case.status,
            "description": case.description,
            "parties": list(case.parties.order_by("id").values_list("role", "name", "phone")),
            "timeline": list(Event.objects.filter(case=case).order_by("created_at", "id")
                             .values_list("action", "from_status", "to_status", "actor_label", "reason")),
            "photos": [(a.original_name, a.file.name, Path(a.file.path).read_bytes())
                       for a in Attachment.objects.filter(case=case).order_by("id")],
        }
    return cases


def small_world():
    world = build_world()
    closed = advance(world, submit(world), Status.CLOSED)
    dispatched = advance(world, submit(world, description="小区楼上漏水三个月，物业推诿不修，楼下天花板发霉。",
                                      name="李秀英", phone="13900001111"), Status.DISPATCHED)
    anonymous = submit(world, anonymous=True, name="", phone="",
                       description="菜市场门口夜间占道经营，噪音扰民，多次反映无果。")
    add_photo(dispatched, photo((200, 30, 30), "漏水.png"), world["clerk"])
    add_photo(dispatched, photo((30, 200, 30), "天花板.png"), world["clerk"])
    add_photo(anonymous, photo((30, 30, 200), "占道.png"), None)
    return world, [closed, dispatched, anonymous]


def test_round_trip_restores_the_same_system(tmp_path, capsys):
    world, (closed, dispatched, anonymous) = small_world()
    before_counts, before = table_counts(), snapshot()
    assert len(before) == 3 and len(before[dispatched.tracking_code]["photos"]) == 2
    archive = tmp_path / "b.tar.gz"

    call_command("backup", out=str(archive))
    assert "备份完成" in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["counts"]["cases_case"] == 3
    assert len([m for m in manifest["members"] if m.startswith("media/")]) == 3
    assert any(m.startswith("cases.") for m in manifest["migrations"])

    # life goes on, then goes wrong: a photo deleted, a case moved on, a new case filed
    lost = Attachment.objects.filter(case=dispatched).first()
    Path(lost.file.path).unlink()
    lost.delete()
    perform(Case.objects.get(pk=dispatched.pk), "sign", world["hr_handler"])
    newer = submit(world, description="新来的一件：邻居装修噪音，晚上十点后还在施工。")
    add_photo(newer, photo((1, 2, 3), "装修.png"), world["clerk"])
    assert snapshot() != before

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    assert Case.objects.filter(pk=newer.pk).exists(), "refused: nothing changed"

    call_command("restore", str(archive), yes=True)
    out = capsys.readouterr().out
    assert "已恢复" in out and "cases_case" in out and "上传文件 3 个" in out
    assert table_counts() == before_counts
    assert snapshot() == before
    assert not Case.objects.filter(tracking_code=newer.tracking_code).exists()
    assert Case.objects.get(pk=dispatched.pk).status == Status.DISPATCHED


def damage(archive: Path, target: Path, how: str) -> None:
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if how == "flip" and info.name.startswith("media/"):
                data = bytes([data[0] ^ 0xFF]) + data[1:]
                how = "done"
            if how == "drop" and info.name.startswith("database/"):
                continue
            dst.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("how, message", [
    ("flip", "校验和不符"), ("drop", "备份缺少文件"), ("truncate", "备份文件已损坏"),
])
def test_a_damaged_archive_is_refused_and_nothing_changes(tmp_path, how, message):
    world, cases = small_world()
    archive, bad = tmp_path / "good.tar.gz", tmp_path / "bad.tar.gz"
    call_command("backup", out=str(archive))
    if how == "truncate":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    else:
        damage(archive, bad, how)
    newer = submit(world, description="备份之后提交的案件：小区停车位被长期占用，协商无果。")
    counts, state = table_counts(), snapshot()

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(bad), yes=True)
    assert table_counts() == counts and snapshot() == state
    assert Case.objects.filter(pk=newer.pk).exists()


def test_restore_into_an_empty_database_needs_no_yes(tmp_path, settings):
    small_world()
    archive = tmp_path / "b.tar.gz"
    call_command("backup", out=str(archive))
    before = snapshot()
    # an empty system: every table emptied (as a fresh `migrate` leaves it) and no uploads
    call_command("flush", interactive=False, verbosity=0)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    assert Case.objects.count() == 0

    call_command("restore", str(archive))
    assert snapshot() == before
