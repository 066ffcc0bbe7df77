"""Backup and restore of the whole platform: the database and the uploaded files (MEDIA_ROOT).

One .tar.gz holds:

    manifest.json          time, database vendor, Django version, migration state, row counts
                           per table, and the sha256 and size of every other member
    database/db.dump       PostgreSQL: `pg_dump --format=custom`
    database/db.sqlite3    SQLite: a copy made with the sqlite3 backup API
    media/<path>           every uploaded file as it is

Consistency: on PostgreSQL the row counts and pg_dump read the same exported snapshot, so
the dump is one instant of the database while the server keeps running. On SQLite the
backup API copies one consistent state and the counts are read from that copy. Media files
are copied after the database: a file referenced by a row of the dump was written before its
row committed, so it is in the archive (a file uploaded meanwhile may be there too, unused).

Restore checks the whole archive (manifest, every checksum, no unknown or unsafe member)
before it changes anything."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database/db.dump"
SQLITE_DUMP = "database/db.sqlite3"
MEDIA_PREFIX = "media/"
# Rows that every migrated database has: a database holding only these counts as empty.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission", "django_site"}
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass
class Restored:
    manifest: dict
    counts: dict[str, int]
    media_files: int
    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)
    missing_migrations: list[str] = field(default_factory=list)


# --- helpers -------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _count_tables(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (names from introspection)
        counts[table] = cursor.fetchone()[0]
    return counts


def table_counts() -> dict[str, int]:
    """Rows per table of the current database."""
    with connection.cursor() as cursor:
        return _count_tables(cursor, connection.introspection.table_names(cursor))


def applied_migrations() -> list[str]:
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return []
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def database_is_empty() -> bool:
    """True when no table other than Django's bookkeeping has a row (a fresh `migrate` may
    still have been run)."""
    return not any(n for t, n in table_counts().items() if t not in BOOKKEEPING_TABLES)


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files() -> list[tuple[str, Path]]:
    root = media_root()
    if not root.is_dir():
        return []
    files = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                files.append((path.relative_to(root).as_posix(), path))
    return sorted(files)


def _pg_env_and_args() -> tuple[dict, list[str]]:
    s = connection.settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    return env, [*args, "--no-password"]


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(_("%(what)s失败：%(err)s") % {"what": what, "err": result.stderr.strip()[-2000:]})


# --- backup --------------------------------------------------------------------------------


def _dump_postgresql(target: Path) -> dict[str, int]:
    """pg_dump of the snapshot in which the counts are read."""
    env, args = _pg_env_and_args()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_tables(cursor, connection.introspection.table_names(cursor))
            _run(["pg_dump", *args, "--format=custom", f"--snapshot={snapshot}", "--file", str(target),
                  connection.settings_dict["NAME"]], env, _("pg_dump 备份数据库"))
        finally:
            cursor.execute("ROLLBACK")
    return counts


def _dump_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in sorted(tables):
            counts[table] = cursor.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
    finally:
        copy.close()
    return counts


def create_backup(out: Path) -> dict:
    """Write the archive to `out` (through a temporary file, renamed at the end) and return
    its manifest."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(_("不支持的数据库类型：%(v)s") % {"v": vendor})
    if connection.in_atomic_block:
        raise BackupError(_("备份不能在事务中进行。"))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jiefen-backup-") as tmp:
        member = PG_DUMP if vendor == "postgresql" else SQLITE_DUMP
        dump = Path(tmp) / Path(member).name
        counts = _dump_postgresql(dump) if vendor == "postgresql" else _dump_sqlite(dump)
        members = [(member, dump)] + [(MEDIA_PREFIX + rel, path) for rel, path in _media_files()]
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": vendor,
            "django": django.get_version(),
            "migrations": applied_migrations(),
            "counts": counts,
            "members": {},
        }
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            for name, path in members:
                try:
                    size, digest = path.stat().st_size, _sha256_file(path)
                    with open(path, "rb") as f:
                        info = tar.gettarinfo(fileobj=f, arcname=name)
                        info.uid = info.gid = 0
                        info.uname = info.gname = ""
                        if info.size != size:
                            raise BackupError(_("文件在备份时被改动：%(n)s") % {"n": name})
                        tar.addfile(info, f)
                except FileNotFoundError:
                    continue  # an upload deleted while the backup ran: not part of this state
                manifest["members"][name] = {"sha256": digest, "size": size}
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, out)
    return manifest


def default_backup_name() -> str:
    return f"jiefen-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


# --- verify --------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name


def verify_archive(path: Path) -> dict:
    """The archive's manifest once every member has been read and its checksum matched.
    Raises BackupError with the first problem; reads only, changes nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("找不到备份文件：%(p)s") % {"p": path})
    try:
        with tarfile.open(path, "r:gz") as tar:
            manifest, seen = None, {}
            for info in tar:
                if info.name == MANIFEST:
                    try:
                        manifest = json.loads(tar.extractfile(info).read().decode())
                    except (ValueError, UnicodeDecodeError) as e:
                        raise BackupError(_("备份清单（manifest.json）无法读取。")) from e
                    continue
                if not info.isfile() or not _safe_member_name(info.name):
                    raise BackupError(_("备份中有不安全的条目：%(n)s") % {"n": info.name})
                digest = hashlib.sha256()
                f = tar.extractfile(info)
                while chunk := f.read(CHUNK):
                    digest.update(chunk)
                seen[info.name] = (digest.hexdigest(), info.size)
    except BackupError:
        raise
    except Exception as e:  # tarfile, gzip and zlib each have their own errors for a damaged file
        raise BackupError(_("备份文件已损坏，无法读取：%(e)s") % {"e": e}) from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("备份中没有可识别的清单（manifest.json）。"))
    expected = manifest.get("members") or {}
    for name, meta in expected.items():
        if name not in seen:
            raise BackupError(_("备份缺少文件：%(n)s") % {"n": name})
        if seen[name] != (meta.get("sha256"), meta.get("size")):
            raise BackupError(_("校验和不符，备份已损坏：%(n)s") % {"n": name})
    extra = sorted(set(seen) - set(expected))
    if extra:
        raise BackupError(_("备份中有清单之外的文件：%(n)s") % {"n": extra[0]})
    dump = PG_DUMP if manifest.get("vendor") == "postgresql" else SQLITE_DUMP
    if dump not in expected:
        raise BackupError(_("备份中没有数据库文件。"))
    return manifest


# --- restore -------------------------------------------------------------------------------


def _restore_postgresql(dump: Path) -> None:
    env, args = _pg_env_and_args()
    connections.close_all()
    _run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--exit-on-error", "--dbname", connection.settings_dict["NAME"], str(dump)],
         env, _("pg_restore 恢复数据库"))


def _restore_sqlite(dump: Path) -> None:
    """Copy the backup over the live database with the backup API: the whole file is
    replaced in one step, WAL and all, and other connections see either state, never half."""
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connections.close_all()


def _restore_media(tar: tarfile.TarFile, manifest: dict) -> int:
    root = media_root()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=root.parent))
    try:
        names = [n for n in manifest["members"] if n.startswith(MEDIA_PREFIX)]
        for name in names:
            target = staging / name[len(MEDIA_PREFIX):]
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(name) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
        keep = {n[len(MEDIA_PREFIX):] for n in names}
        for rel, path in _media_files():
            if rel not in keep:
                path.unlink()
        for rel in keep:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(keep)


def restore_backup(path: Path, *, overwrite: bool = False) -> Restored:
    """Check the archive, then replace the database and the uploaded files with its content."""
    manifest = verify_archive(path)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(_("备份来自 %(a)s 数据库，当前数据库是 %(b)s，不能恢复。")
                          % {"a": manifest["vendor"], "b": vendor})
    if connection.in_atomic_block:
        raise BackupError(_("恢复不能在事务中进行。"))
    if not overwrite and (not database_is_empty() or _media_files()):
        raise BackupError(_("当前数据库或上传文件不是空的；确认要用备份覆盖时请加 --yes。"))
    with tempfile.TemporaryDirectory(prefix="jiefen-restore-") as tmp, tarfile.open(path, "r:gz") as tar:
        member = PG_DUMP if vendor == "postgresql" else SQLITE_DUMP
        dump = Path(tmp) / Path(member).name
        with tar.extractfile(member) as src, open(dump, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
        if _sha256_file(dump) != manifest["members"][member]["sha256"]:
            raise BackupError(_("校验和不符，备份已损坏：%(n)s") % {"n": member})
        if vendor == "postgresql":
            _restore_postgresql(dump)
        else:
            _restore_sqlite(dump)
        media = _restore_media(tar, manifest)
    counts = table_counts()
    mismatches = {t: (n, counts.get(t, 0)) for t, n in manifest["counts"].items() if counts.get(t, 0) != n}
    from django.db.migrations.loader import MigrationLoader

    on_disk = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    missing = sorted(on_disk - set(applied_migrations()))
    return Restored(manifest=manifest, counts=counts, media_files=media, mismatches=mismatches,
                    missing_migrations=missing)
