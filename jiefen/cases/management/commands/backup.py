"""`jiefen backup [--out FILE]`: the database and the uploaded files in one .tar.gz
(see jiefen/ops/backup.py and docs/backup.md)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiefen.ops.backup import BackupError, create_backup, default_backup_name


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="archive to write (default: DATA_DIR/backups/jiefen-backup-<time>.tar.gz)")

    def handle(self, *args, out=None, **options):
        target = Path(out) if out else Path(settings.DATA_DIR) / "backups" / default_backup_name()
        try:
            manifest = create_backup(target)
        except BackupError as e:
            raise CommandError(str(e)) from e
        media = sum(1 for n in manifest["members"] if n.startswith("media/"))
        self.stdout.write(_("备份完成：%(p)s") % {"p": target})
        self.stdout.write(_("数据库 %(v)s，%(t)d 张表共 %(r)d 行；上传文件 %(m)d 个") % {
            "v": manifest["vendor"], "t": len(manifest["counts"]),
            "r": sum(manifest["counts"].values()), "m": media,
        })
