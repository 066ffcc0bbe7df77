"""The `jiefen` command: a thin wrapper around Django's manage.py.

    jiefen demo          migrate, load defaults and demo data, run server and worker
    jiefen serve         run the web server (gunicorn) on JIEFEN_BIND
    jiefen worker        run the background worker (task queue and the clock tick every minute)
    jiefen load-defaults load the default policy tables
    jiefen demo-data     generate a demo district and cases (--cases N --seed S)
    jiefen load-ladder   copy an example escalation ladder onto a region (--region R)
    jiefen import        import work orders from Excel/CSV (FILE --source S [--dry-run])
    jiefen load_sources  the default work-order sources and their mappings (--region R)
    jiefen api_client    issue, rotate, revoke or list API keys for other systems
    jiefen qr-posters    printable A4 QR posters, one per grid (--region CODE)
    jiefen classifier    train, evaluate, list or activate the case classifier
    jiefen judge         judge existing cases as if new (proposals, repeats, warnings)
    jiefen outside_records  import court, police and review records (FILE --kind K)
    jiefen backup        one checked archive of the database and uploads (--out FILE)
    jiefen restore       restore such an archive (FILE [--yes])
    jiefen anonymise     mask personal data of long-closed cases (--closed-before-days N)
    jiefen audit         seal or verify the tamper-evident audit chain (seal [--full] | verify)
    jiefen analytics     refresh or rebuild the indicator rollups (refresh | rebuild)
    jiefen <command>     any other manage.py command (migrate, createsuperuser, …)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

ALIASES = {
    "load-defaults": "load_defaults", "demo-data": "demo_data", "load-ladder": "load_ladder",
    "import": "import_cases", "qr-posters": "qr_posters",
}
DEMO_CASES = 6000


def manage(*args: str) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jiefen", *args])


def _gunicorn(bind: str, workers: str) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "jiefen.wsgi:application",
        "--bind", bind, "--workers", workers, "--threads", "4",
        "--access-logfile", "-", "--graceful-timeout", "5",
    ]


def _worker() -> list[str]:
    # -v 0: the demo's terminal shows the web log and the tick, not a line per task
    return [sys.executable, "-m", "jiefen.cli", "worker", "--interval", "1", "-v", "0"]


def worker(argv: list[str]) -> int:
    """The task queue (django-tasks' db_worker) with the clock tick, the audit sealer, the
    indicator rollups' refresher, the notification resender, the report schedule, the community orders' overdue scan and
    the check of agreements' payments due beside it."""
    import django

    django.setup()
    from jiefen.analytics import refresher
    from jiefen.audit import sealer
    from jiefen.notify import retry
    from jiefen.online import performance
    from jiefen.points import ticker as points_ticker
    from jiefen.reports import scheduler
    from jiefen.sla import ticker

    ticker.start(float(os.environ.get("JIEFEN_TICK_SECONDS", "60")))
    sealer.start(float(os.environ.get("JIEFEN_SEAL_SECONDS", "60")))
    refresher.start(float(os.environ.get("JIEFEN_ROLLUP_SECONDS", "60")))
    retry.start(float(os.environ.get("JIEFEN_NOTIFY_RETRY_INTERVAL", "30")))
    scheduler.start(float(os.environ.get("JIEFEN_REPORTS_SECONDS", "300")))
    points_ticker.start(float(os.environ.get("JIEFEN_POINTS_SECONDS", "600")))
    performance.start(float(os.environ.get("JIEFEN_PERFORMANCE_SECONDS", "3600")))
    manage("db_worker", *argv)
    return 0


def serve(argv: list[str]) -> int:
    bind = argv[0] if argv else os.environ.get("JIEFEN_BIND", "127.0.0.1:8000")
    os.execv(sys.executable, _gunicorn(bind, os.environ.get("JIEFEN_WEB_WORKERS", "3")))
    return 0  # pragma: no cover


def demo(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="jiefen demo")
    parser.add_argument("--port", type=int, default=int(os.environ.get("JIEFEN_PORT", "8000")))
    parser.add_argument("--cases", type=int, default=DEMO_CASES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="start again from an empty database")
    parser.add_argument("--no-serve", action="store_true", help="prepare the data and exit")
    args = parser.parse_args(argv)

    os.environ["JIEFEN_DEMO"] = "1"
    data_dir = Path(os.environ.setdefault("JIEFEN_DATA_DIR", str(Path.cwd() / "data" / "demo")))
    if args.fresh and data_dir.exists():
        import shutil

        shutil.rmtree(data_dir)
    (data_dir / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise's root; the demo serves from the packages
    started = time.monotonic()

    import django

    django.setup()
    from jiefen.cases.models import Case

    manage("migrate", "--noinput", "-v", "0")
    manage("load_defaults")
    if not Case.objects.exists():
        manage("demo_data", "--cases", str(args.cases), "--seed", str(args.seed))
        manage("judge")  # the generated cases still 待受理 get their proposals and warnings
    key = _demo_api_key()
    ready = time.monotonic() - started
    url = f"http://127.0.0.1:{args.port}/"
    _print_banner(url, data_dir, ready, key)
    if args.no_serve:
        return 0

    worker = subprocess.Popen(_worker())
    web = subprocess.Popen(_gunicorn(f"127.0.0.1:{args.port}", "2"))

    def stop(*_):
        for proc in (web, worker):
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while web.poll() is None and worker.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for proc in (web, worker):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return web.returncode or 0


DEMO_API_CLIENT = "演示接口"


def _demo_api_key() -> str:
    """A key for the demo's API client over the county, new at every start (keys are shown once);
    and the default work-order sources, for the webhooks and imports."""
    from jiefen.api.models import ApiClient
    from jiefen.imports.defaults import load_sources
    from jiefen.regions.models import Level, Region

    county = Region.objects.filter(level=Level.COUNTY).order_by("path").first()
    load_sources(region=county)  # the 12345, 110, petition and court sources over the demo county
    client = ApiClient.objects.filter(name=DEMO_API_CLIENT, revoked_at=None).first()
    if client is not None:
        return client.rotate()
    return ApiClient.issue(DEMO_API_CLIENT, county)[1] if county else ""


def _print_banner(url: str, data_dir: Path, seconds: float, key: str = "") -> None:
    from jiefen.demo.district import DEMO_ACCOUNTS, DEMO_PASSWORD

    lines = [
        "",
        "解纷 Jiefen demo",
        f"  data:  {data_dir} (SQLite), ready in {seconds:.1f} s",
        f"  open:  {url}   (resident form: {url}report/ · tracking: {url}track/)",
        f"  staff: {url}accounts/login/ — password for every account: {DEMO_PASSWORD}",
    ]
    for account in DEMO_ACCOUNTS:
        lines.append(f"         {account['username']:<11} {account['role']}（{account['where']}）")
    if key:
        lines.append(f"  api:   {url}api/docs/ — key for this run: {key}")
        lines.append(f"         Open311: {url}open311/v2/discovery.json · QR posters: {url}q/poster/")
    lines.append("  stop:  Ctrl-C")
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiefen.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    try:
        if command == "demo":
            return demo(rest)
        if command == "serve":
            _check_settings()
            return serve(rest)
        if command == "worker":
            return worker(rest)
        manage(ALIASES.get(command, command), *rest)
    except ImproperlyConfigured as exc:
        print(f"jiefen: configuration error: {exc}\nSee docs/configuration.md.", file=sys.stderr)
        return 2
    return 0


def _check_settings() -> None:
    """Load the settings now, so that a configuration error is told before a server starts."""
    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads them all


if __name__ == "__main__":
    sys.exit(main())
