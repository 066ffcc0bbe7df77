import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jiefen.imports import importer
from jiefen.imports.models import Source
from jiefen.imports.services import record_batch


class Command(BaseCommand):
    help = ("Import work orders from an Excel (.xlsx) or CSV file (UTF-8 or GBK) using a source's mapping. "
            "Every row is checked first; with bad rows nothing is written unless --skip-bad. "
            "Rows already imported (same work-order number) are skipped. Exit code 1 when rows are bad.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx or .csv file")
        parser.add_argument("--source", required=True, help="source code, e.g. 12345, 110, petition, court")
        parser.add_argument("--sheet", default="", help="worksheet name (.xlsx; default: the first sheet)")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
        parser.add_argument("--skip-bad", action="store_true", help="import the good rows even when some are bad")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        source = Source.objects.filter(code=options["source"]).select_related("region").first()
        if source is None:
            codes = ", ".join(Source.objects.values_list("code", flat=True)) or "none (run load_sources)"
            raise CommandError(f"Unknown source {options['source']!r}; known: {codes}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")

        def progress(items, total, desc):
            return tqdm(items, total=total, desc=desc, unit="行", file=sys.stderr,
                        disable=options["no_progress"] or total < 2, leave=False)

        with path.open("rb") as fh:
            report = importer.plan(source, fh, path.name, sheet=options["sheet"], progress=progress)
        for error in report.errors():
            where = f"第{error['row']}行" if error["row"] else "文件"
            column = f"[{error['column']}] " if error["column"] else ""
            self.stdout.write(f"{where} {column}{error['message']}")
        if not options["dry_run"] and not report.file_errors and (report.ok or options["skip_bad"]):
            importer.commit(report, skip_bad=options["skip_bad"], progress=progress)
            record_batch(report, sheet=options["sheet"], skip_bad=options["skip_bad"])
        elif not options["dry_run"] and report.bad and not report.file_errors:
            self.stdout.write("有错误行，未导入任何工单（改正后重新导入，或加 --skip-bad 只导入正确的行）。")
        self.stdout.write(report.summary())
        if report.file_errors or report.bad:
            raise CommandError(report.summary(), returncode=1)
