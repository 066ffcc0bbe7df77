"""`jiefen classifier train|list|activate|evaluate`: the text classifier's versions, and a
check of its recipe on any labelled file."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiefen.routing import services
from jiefen.routing.evaluation import EvaluationError, evaluate, format_report, read_table


class Command(BaseCommand):
    help = "Train, list, activate or evaluate the case classifier."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        train = sub.add_parser("train", help="train a new version on labelled cases and the taxonomy examples")
        train.add_argument("--force", action="store_true", help="activate the new version even if it is worse")
        sub.add_parser("list", help="list the versions and their cross-validated scores")
        activate = sub.add_parser("activate", help="activate version N")
        activate.add_argument("number", type=int)
        ev = sub.add_parser("evaluate", help="train and test within a labelled CSV or Excel file")
        ev.add_argument("file")
        ev.add_argument("--text-column", required=True)
        ev.add_argument("--label-column", required=True)
        ev.add_argument("--folds", type=int, default=5)

    def handle(self, *args, subcommand: str, **options):
        getattr(self, f"do_{subcommand}")(**options)

    def say(self, line: str) -> None:
        self.stdout.write(line)

    def do_train(self, force: bool = False, **options) -> None:
        try:
            services.train(force=force, say=self.say)
        except services.TrainingError as exc:
            raise CommandError(str(exc)) from None

    def do_list(self, **options) -> None:
        versions = services.correction_rates().defer("model").order_by("number")
        if not versions:
            self.say(_("还没有训练过分类模型。运行 jiefen classifier train。"))
            return
        for v in versions:
            rate = f"{v.corrected}/{v.decided}" if v.decided else "—"
            self.say(
                f"{'*' if v.active else ' '} v{v.number}  {v.created_at:%Y-%m-%d %H:%M}  "
                + _("样本 %(n)d  宏F1 %(f1).3f  准确率 %(acc).3f  更正 %(rate)s") % {
                    "n": v.trained_on, "f1": v.macro_f1 or 0, "acc": v.accuracy or 0, "rate": rate}
            )

    def do_activate(self, number: int, **options) -> None:
        try:
            version = services.activate(number)
        except services.TrainingError as exc:
            raise CommandError(str(exc)) from None
        self.say(_("已启用 v%(v)d。") % {"v": version.number})

    def do_evaluate(self, file: str, text_column: str, label_column: str, folds: int, **options) -> None:
        try:
            report = evaluate(read_table(file), text_column, label_column, folds=folds)
        except EvaluationError as exc:
            raise CommandError(str(exc)) from None
        for line in format_report(report):
            self.say(line)

