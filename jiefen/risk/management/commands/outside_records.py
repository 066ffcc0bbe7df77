"""`jiefen outside_records import FILE --kind court|police|review [--dry-run] [--sheet S]`"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiefen.risk import outside
from jiefen.risk.models import OutsideKind


class Command(BaseCommand):
    help = ("Outside records (court, police, administrative review). `import FILE --kind K`: every row is "
            "checked first and every bad row listed (row, column, reason); with any bad row nothing is "
            "written. Records already imported (same kind and number) are skipped. Exit code 1 when rows are bad.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import an .xlsx or .csv file")
        imp.add_argument("file", help=".xlsx or .csv file (UTF-8 or GBK)")
        imp.add_argument("--kind", required=True, choices=OutsideKind.values)
        imp.add_argument("--sheet", default="", help="worksheet name (.xlsx; default: the first sheet)")
        imp.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as fh:
            report = outside.plan(options["kind"], fh, path.name, sheet=options["sheet"])
        for error in report.errors():
            where = f"第{error['row']}行" if error["row"] else "文件"
            column = f"[{error['column']}] " if error["column"] else ""
            self.stdout.write(f"{where} {column}{error['message']}")
        if not options["dry_run"]:
            if report.ok:
                outside.commit(report)
            elif not report.file_errors:
                self.stdout.write("有错误行，未导入任何记录（改正后重新导入）。")
        self.stdout.write(report.summary())
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)
