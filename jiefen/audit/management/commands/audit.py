"""`jiefen audit seal [--full]` appends the audit chain; `jiefen audit verify` walks it and
reports the first broken link (exit status 1), else the links verified, the latest hash (to
export as an external checkpoint) and the rows waiting to be sealed. See docs/audit.md."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jiefen.audit import services

PROBLEMS = {
    "edited_row": _("来源记录在封存后被修改"),
    "deleted_row": _("来源记录在封存后被删除"),
    "edited_link": _("链节点被修改"),
    "deleted_link": _("链节点被删除（序号不连续）"),
    "broken_prev": _("前一哈希不符（链被改接）"),
}


class Command(BaseCommand):
    help = "The tamper-evident audit chain: `seal` appends it, `verify` checks it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        seal = sub.add_parser("seal", help="append links for the rows not yet sealed")
        seal.add_argument("--full", action="store_true",
                          help="also look for late-committed rows of any age (a full scan)")
        verify = sub.add_parser("verify", help="walk the chain; exit 1 at the first broken link")
        verify.add_argument("--checkpoint", metavar="SEQ:HASH",
                            help="a latest hash exported earlier: the chain must still hold it")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "seal":
            n = services.seal_all(full=options.get("full", False))
            self.stdout.write(_("已封存 %(n)d 条记录。") % {"n": n})
            return
        started = time.monotonic()
        report = services.verify()
        seconds = time.monotonic() - started
        if report.broken:
            b = report.broken
            problem = PROBLEMS.get(b.problem, b.problem)
            self.stderr.write(
                _("审计链在第 %(seq)d 个节点断开：%(problem)s（来源 %(source)s，编号 %(id)d；代码 %(code)s）。"
                  "此前 %(ok)d 个节点完好。")
                % {"seq": b.seq, "problem": problem, "source": b.source, "id": b.source_id,
                   "code": b.problem, "ok": report.verified}
            )
            raise SystemExit(1)
        checkpoint = options.get("checkpoint")
        if checkpoint:
            problem = services.check_checkpoint(checkpoint)
            if problem:
                self.stderr.write(problem)
                raise SystemExit(1)
            self.stdout.write(_("外部检查点 %(cp)s 与审计链一致。") % {"cp": checkpoint})
        rate = report.verified / seconds if seconds > 0 else 0
        self.stdout.write(_("审计链完好：已核验 %(n)d 个节点（%(rate)d 个/秒）。") % {
            "n": report.verified, "rate": rate})
        self.stdout.write(_("最新哈希（请每日导出保存）：第 %(seq)d 个节点 %(hash)s") % {
            "seq": report.last_seq, "hash": report.last_hash})
        waiting = ", ".join(f"{k} {v}" for k, v in report.unsealed.items())
        self.stdout.write(_("待封存记录：%(total)d（%(detail)s）。") % {
            "total": sum(report.unsealed.values()), "detail": waiting})
