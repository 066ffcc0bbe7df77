"""Test pieces for notices: a real HTTP server that receives webhooks, an SMS backend that
refuses, and a case event to tell people about."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from jiefen.cases.models import Event, Status
from jiefen.notify.sms import BaseBackend, SmsError
from jiefen.testing.factories import advance, submit


@dataclass
class Received:
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: records each POST and answers `status`."""

    status: int = 200
    requests: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(Received(dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class RefusingSms(BaseBackend):
    """A provider that is down."""

    def send(self, phone: str, text: str) -> str:
        raise SmsError("provider unavailable (503)")


def dispatched(world) -> Event:
    """A case dispatched to the labour department (人社局): its handlers must act."""
    case = advance(world, submit(world), Status.DISPATCHED)
    return case.events.get(action="dispatch")
