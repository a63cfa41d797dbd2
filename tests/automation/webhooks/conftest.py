"""A real HTTP receiver on 127.0.0.1 (http.server in a thread) for webhook tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """Answers `fail_times` requests with `fail_status` (and `fail_headers`), then 200.

    Every request is kept: .requests is a list of {"headers": {...}, "body": bytes}.
    hold: an Event the handler waits on before answering (a delivery in flight).
    """

    def __init__(self):
        self.fail_times = 0
        self.fail_status = 500
        self.fail_headers = {}
        self.requests = []
        self.hold = None
        self.arrived = threading.Condition()
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def url_with_host(self, host):
        return f"http://{host}:{self.server.server_address[1]}/hooks"

    def bodies(self):
        return [json.loads(r["body"]) for r in self.requests]

    def wait_for(self, count, timeout=20):
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.arrived:
                    receiver.requests.append(
                        {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                    )
                    number = len(receiver.requests)
                    receiver.arrived.notify_all()
                if receiver.hold is not None:
                    receiver.hold.wait(30)
                if number <= receiver.fail_times:
                    self.send_response(receiver.fail_status)
                    for name, value in receiver.fail_headers.items():
                        self.send_header(name, value)
                    answer = b'{"error": "not now"}'
                else:
                    self.send_response(200)
                    answer = b"ok " + b"x" * 2000  # longer than the 1 KB the log keeps
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    if receiver.hold is not None:
        receiver.hold.set()
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    """The receiver is on 127.0.0.1: tests allow private addresses unless they test the
    guard (they set it back to False)."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
