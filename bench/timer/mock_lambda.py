"""A small Lambda for the timer: the Extensions API (register, event/next, errors) and the Runtime API
(invocation/next, response) on one port, each request answered as soon as it arrives."""

import json
import queue
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EXT = "/2020-01-01/extension"
RUNTIME = "/2018-06-01/runtime"


class MockLambda:
    """Extensions API (register, event/next, errors) and Runtime API (invocation/next, response)."""

    def __init__(self, on_register=None):
        """`on_register`: called the moment `register` is answered, as Lambda then starts the runtime."""
        self.registered_at = None
        self.registered = threading.Event()
        self.first_next_at = None
        self.errors = []
        self.events = queue.Queue()  # events for the extension's next poll
        self.lock = threading.Condition()
        self.extension_waiting = False
        self.invocations = 0
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK hold the body back ~40 ms on a kept-alive connection.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def answer(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                at = time.perf_counter()
                body = self.body()
                if self.path == EXT + "/register":
                    if mock.registered_at is None:
                        mock.registered_at = at
                    self.answer(
                        200,
                        {"functionName": "bench", "functionVersion": "$LATEST", "handler": "fn.handler"},
                        {"Lambda-Extension-Identifier": str(uuid.uuid4())},
                    )
                    self.wfile.flush()
                    if on_register is not None and not mock.registered.is_set():
                        on_register()
                    mock.registered.set()
                elif self.path.startswith(RUNTIME + "/invocation/"):
                    self.answer(202, {"status": "OK"})
                else:
                    mock.errors.append({"path": self.path, "body": body.decode(errors="replace")})
                    self.answer(202, {"status": "OK"})

            def do_GET(self):
                if self.path == EXT + "/event/next":
                    if mock.first_next_at is None:
                        mock.first_next_at = time.perf_counter()
                    with mock.lock:
                        mock.extension_waiting = True
                        mock.lock.notify_all()
                    event = mock.events.get()
                    with mock.lock:
                        mock.extension_waiting = False
                    self.answer(200, event, {"Lambda-Extension-Event-Identifier": str(uuid.uuid4())})
                elif self.path == RUNTIME + "/invocation/next":
                    # As in Lambda, an invocation starts once the extension waits for its next event.
                    with mock.lock:
                        mock.lock.wait_for(lambda: mock.extension_waiting, timeout=10)
                        mock.extension_waiting = False
                    request_id = str(uuid.uuid4())
                    deadline = int(time.time() * 1000) + 3000
                    mock.events.put(
                        {
                            "eventType": "INVOKE",
                            "deadlineMs": deadline,
                            "requestId": request_id,
                            "invokedFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:bench",
                            "tracing": {},
                        }
                    )
                    mock.invocations += 1
                    self.answer(
                        200,
                        {},
                        {"Lambda-Runtime-Aws-Request-Id": request_id, "Lambda-Runtime-Deadline-Ms": str(deadline)},
                    )
                else:
                    self.answer(404, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = "127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def shutdown_extension(self):
        self.events.put({"eventType": "SHUTDOWN", "shutdownReason": "spindown", "deadlineMs": int(time.time() * 1000) + 2000})

    def close(self):
        self.server.shutdown()
        self.server.server_close()
