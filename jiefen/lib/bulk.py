"""Rows straight into tables, for the paths where the ORM's per-object cost is the cost: the
demo generator (a million cases) and the clock tick (thousands of sheets a minute).

    writer = row_writer(connection)
    ids = writer.reserve(Sheet, len(rows))          # ids as bulk_create would give them
    writer.insert(Sheet, ("id", "case_id", …), rows)  # on the current transaction

PostgreSQL: COPY … FROM STDIN in binary through psycopg, whose C code formats the values.
SQLite (and the rest): executemany, values adapted as Django's fields adapt them. Rows are
plain lists in the order of the columns given; a column the model has and the list lacks (a
field added later) gets the field's default. Nothing here runs model save() or signals:
callers write what perform() would have written, and say so."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from psycopg.types.json import set_json_dumps


class RowWriter:
    def __init__(self, connection) -> None:
        self.connection = connection
        self.quote = connection.ops.quote_name

    def begin(self) -> None:
        """Called at the start of each transaction the writer writes in."""

    def reserve(self, model, n: int) -> list[int]:
        raise NotImplementedError

    def insert(self, model, columns: tuple[str, ...], rows: list[list]) -> None:
        raise NotImplementedError

    def _adapter(self, f) -> Callable | None:
        """How a value of this field goes to the database driver (None: as it is)."""
        return None

    def _prepare(self, model, columns: tuple[str, ...], rows: list[list]) -> tuple[str, ...]:
        """Adapt the values in place, add the defaults of missing columns; the columns written."""
        fields = {f.column: f for f in model._meta.concrete_fields}
        if unknown := set(columns) - set(fields):
            raise ValueError(f"{model._meta.db_table} has no columns {sorted(unknown)}")
        missing = [f for c, f in fields.items() if c not in columns and not f.primary_key]
        adapters = [(i, a) for i, c in enumerate(columns) if (a := self._adapter(fields[c]))]
        defaults = [f.get_db_prep_save(f.get_default(), self.connection) for f in missing]
        if adapters or defaults:
            for row in rows:
                for i, adapt in adapters:
                    if row[i] is not None:
                        row[i] = adapt(row[i])
                row.extend(defaults)
        return columns + tuple(f.column for f in missing)


class CopyWriter(RowWriter):
    """PostgreSQL: COPY … FROM STDIN in binary, a row at a time through psycopg (the column
    types come from the catalog: binary COPY casts nothing)."""

    def __init__(self, connection, *, trusting: bool = False) -> None:
        super().__init__(connection)
        self._types: dict[str, dict[str, int]] = {}
        self._sequences: dict[str, str] = {}
        self.trusting = trusting

    def begin(self) -> None:
        if self.trusting:
            self._skip_foreign_key_checks()

    def _skip_foreign_key_checks(self) -> None:
        """The rows' keys are ids this process has just read from the database or reserved
        in it, so the foreign key checks (a query per row and key, at commit: half the
        server's work) can go, for this transaction only, as pg_restore --disable-triggers
        does. Only a superuser, or a role granted it, may do this; others keep the checks."""
        try:
            with transaction.atomic(), self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            self.trusting = False

    def reserve(self, model, n: int) -> list[int]:
        if not n:
            return []
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if table not in self._sequences:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
                self._sequences[table] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self._sequences[table], n]
            )
            return sorted(pk for (pk,) in cursor.fetchall())

    def insert(self, model, columns: tuple[str, ...], rows: list[list]) -> None:
        if not rows:
            return
        columns = self._prepare(model, columns, rows)
        table = self.quote(model._meta.db_table)
        with self.connection.cursor() as cursor, self.connection.wrap_database_errors:
            raw = cursor.cursor
            if table not in self._types:
                raw.execute(
                    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                    [table],
                )
                self._types[table] = dict(raw.fetchall())
            # jsonb is the same data however the text is spelled: skip the \u escapes.
            set_json_dumps(_compact_json, raw)
            with raw.copy(f"COPY {table} ({', '.join(map(self.quote, columns))}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types([self._types[table][c] for c in columns])
                write = copy.write_row
                for row in rows:
                    write(row)


_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def _compact_json(value) -> str:
    return _encode_json(value) if value else "{}"


class InsertWriter(RowWriter):
    """SQLite (and the rest): executemany, with values adapted as Django's fields adapt them."""

    def reserve(self, model, n: int) -> list[int]:
        # AUTOINCREMENT continues after the largest id ever used; the transaction holds the
        # database's write lock, so nobody else takes these.
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({self.quote(model._meta.pk.column)}) FROM {self.quote(table)}")
            top = cursor.fetchone()[0] or 0
            if self.connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                top = max([top, *(seq for (seq,) in cursor.fetchall())])
        return list(range(top + 1, top + 1 + n))

    def _adapter(self, f) -> Callable | None:
        kind = f.get_internal_type()
        if self.connection.vendor == "sqlite" and settings.USE_TZ:
            # What the fields and the backend's adapt_*_value do, without a lookup per value.
            if kind == "DateTimeField":
                tz = self.connection.timezone
                return lambda value: str(value.astimezone(tz).replace(tzinfo=None))
            if kind == "DateField":
                return str
            if kind == "DecimalField":
                return None  # a Decimal, as Django leaves it for the driver's adapter
            if kind == "JSONField" and f.encoder is None:
                return json.dumps
        if kind in {"DateTimeField", "DateField", "DecimalField", "JSONField"}:
            return partial(f.get_db_prep_save, connection=connections[DEFAULT_DB_ALIAS])
        return None

    def insert(self, model, columns: tuple[str, ...], rows: list[list]) -> None:
        if not rows:
            return
        columns = self._prepare(model, columns, rows)
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            self.quote(model._meta.db_table), ", ".join(map(self.quote, columns)), ", ".join(["%s"] * len(columns)),
        )
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def row_writer(connection, *, trusting: bool = False) -> RowWriter:
    """The fastest writer for the connection's database. `trusting`: on PostgreSQL, skip the
    per-row foreign key checks where the role may (only for keys just read or reserved)."""
    if connection.vendor == "postgresql":
        return CopyWriter(connection, trusting=trusting)
    return InsertWriter(connection)
