"""`jiefen restore FILE [--yes]`: check the archive, then replace the database and the
uploaded files with it (see jiefen/ops/backup.py and docs/backup.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiefen.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `jiefen backup` (the archive is checked before anything changes)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="overwrite a database that is not empty")

    def handle(self, *args, file, yes=False, **options):
        try:
            restored = restore_backup(file, overwrite=yes)
        except BackupError as e:
            raise CommandError(str(e)) from e
        m = restored.manifest
        self.stdout.write(_("已恢复 %(t)s 的备份（%(v)s）") % {"t": m["created_at"], "v": m["vendor"]})
        for table, n in sorted(restored.counts.items()):
            self.stdout.write(f"  {table:<40} {n:>8}")
        self.stdout.write(_("上传文件 %(n)d 个") % {"n": restored.media_files})
        if restored.missing_migrations:
            self.stdout.write(self.style.WARNING(
                _("备份早于当前代码：还有 %(n)d 个迁移未执行，请运行 jiefen migrate") % {"n": len(restored.missing_migrations)}))
        if restored.mismatches:
            lines = ", ".join(f"{t} {a}→{b}" for t, (a, b) in sorted(restored.mismatches.items()))
            raise CommandError(_("恢复后的行数与备份清单不符：%(l)s") % {"l": lines})
