"""`jiefen demo` as someone trying Jiefen runs it: an empty folder, one command, then a
browser. The demo always uses its own embedded SQLite database."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from jiefen.demo.district import DEMO_ACCOUNTS, DEMO_PASSWORD
from jiefen.testing.browser import sign_in


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"jiefen demo exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def demo(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIEFEN_", "DATABASE_URL", "DJANGO_"))}
    env |= {"JIEFEN_DATA_DIR": str(tmp_path / "demo"), "PYTHONUNBUFFERED": "1"}
    out = (tmp_path / "demo.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jiefen.cli", "demo", "--cases", "300", "--port", str(port)],
        env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", proc)
        yield f"http://127.0.0.1:{port}", proc, tmp_path / "demo.log"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        out.close()


@pytest.mark.browser
def test_one_command_gives_a_working_demo_with_an_account_per_role(demo, new_context, screenshot):
    url, proc, log = demo
    banner = log.read_text()
    assert f"{url}/" in banner
    assert DEMO_PASSWORD in banner
    for account in DEMO_ACCOUNTS:
        assert account["username"] in banner
    assert (log.parent / "demo" / "jiefen.sqlite3").exists() or any((log.parent / "demo").glob("*.sqlite3"))

    # the key printed for this run lets another system list the county's cases
    key = re.search(r"key for this run: (jf_\S+)", banner).group(1)
    request = urllib.request.Request(f"{url}/api/v1/cases/?page_size=5", headers={"Authorization": f"Token {key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and json.load(response)["results"]

    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, url, "dispatcher", DEMO_PASSWORD)
    rows = page.locator("table tbody tr")
    assert rows.count() > 0, "the dispatcher's worklist has demo cases"
    screenshot(page, "demo-dispatcher-worklist")

    resident = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    resident.goto(f"{url}/report/")
    assert resident.locator("form textarea").count() == 1

    # Ctrl-C stops the web server and the worker together.
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 0
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/healthz", timeout=2)
    time.sleep(0.5)
    leftovers = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert leftovers == [], "no worker or web process is left running"


@pytest.mark.parametrize("command", [["migrate"], ["serve"]])
def test_a_missing_secret_key_is_told_plainly_outside_the_demo(tmp_path, command):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIEFEN_", "DJANGO_", "SECRET"))}
    env["JIEFEN_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "jiefen.cli", *command], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "SECRET_KEY must be set" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
