"""Keeping import batches (the admin's uploads and the command's runs)."""

from __future__ import annotations

from django.utils import timezone

from .importer import Report
from .models import BatchStatus, ImportBatch


def record_batch(report: Report, *, batch: ImportBatch | None = None, user=None, sheet: str = "",
                 skip_bad: bool = False) -> ImportBatch:
    """Save a report's counts and errors on its batch (a new one for the command)."""
    if batch is None:
        batch = ImportBatch(source=report.source, file_name=report.file_name[:200], sheet=sheet,
                            skip_bad=skip_bad, created_by=user)
    batch.rows = len(report.rows)
    batch.new, batch.existing, batch.bad = report.new, report.existing, report.bad
    batch.errors = report.errors()
    if report.committed:
        batch.status = BatchStatus.DONE
        batch.imported_at = timezone.now()
    batch.save()
    return batch
