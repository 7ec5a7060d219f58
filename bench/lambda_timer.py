"""Times the layer the way Lambda sees it, from outside Node (the bench harness's event loop would
slow the baseline's spawn and exit more than the subject's). Run by bench/run.mjs, which keeps the
STS stand-in and passes its endpoint; reads a JSON plan on stdin, writes JSON results on stdout,
progress on stderr.

  cold      spawn -> `register` at a timing Runtime API, spawn -> first credentials, an AssumeRole
            round trip to the STS stand-in (to subtract), and a bare `node -e 0` (spawn -> exit),
            interleaved run by run.
  function  a 128 MB function: the sidecar and a Python boto3 function started through the layer's
            wrapper, both in one v1 memory cgroup limited to 128 MiB, driven through N invocations
            by a small Runtime API; each invocation makes an STS call with the role's credentials.
"""

import http.client
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EXT = "/2020-01-01/extension"
RUNTIME = "/2018-06-01/runtime"
CGROUP_ROOT = "/sys/fs/cgroup/memory"


def progress(line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class MockLambda:
    """Extensions API (register, event/next, errors) and Runtime API (invocation/next, response)."""

    def __init__(self):
        self.registered_at = None
        self.registered = threading.Event()
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
                    mock.registered.set()
                    self.answer(
                        200,
                        {"functionName": "bench", "functionVersion": "$LATEST", "handler": "fn.handler"},
                        {"Lambda-Extension-Identifier": str(uuid.uuid4())},
                    )
                elif self.path.startswith(RUNTIME + "/invocation/"):
                    self.answer(202, {"status": "OK"})
                else:
                    mock.errors.append({"path": self.path, "body": body.decode(errors="replace")})
                    self.answer(202, {"status": "OK"})

            def do_GET(self):
                if self.path == EXT + "/event/next":
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


def sidecar_env(plan, runtime_api, scratch, extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": scratch,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": plan["sts"]["accessKeyId"],
        "AWS_SECRET_ACCESS_KEY": plan["sts"]["secretAccessKey"],
        "AWS_ENDPOINT_URL_STS": plan["sts"]["endpoint"],
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_LAMBDA_FUNCTION_VERSION": "1",
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "CREDENTIALS_SIDECAR_ROLE_ARN": plan["roleArn"],
        # Any free port: the sidecar binds it itself and writes it to roles-url (no port race).
        "CREDENTIALS_SIDECAR_PORT": "0",
        "CREDENTIALS_SIDECAR_RUNTIME_DIR": os.path.join(scratch, "run"),
    }
    env.update(extra or {})
    return {k: v for k, v in env.items() if v != ""}


def port_of(scratch, deadline):
    """The port the sidecar bound, from the roles-url it wrote beside the token (once complete)."""
    while True:
        with open(os.path.join(scratch, "run", "roles-url")) as f:
            url = f.read()
        if url.endswith("/roles/"):
            return int(url.split(":")[2].split("/")[0])
        if time.perf_counter() > deadline:
            raise RuntimeError("roles-url never completed: %r" % url)
        time.sleep(0.0002)


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class CompileCache:
    """/opt is read-only in Lambda, so node never adds to the layer's compile cache there; here (as
    root) it can, at every exit. Putting the cache back as shipped after each run keeps the figures
    from a cache warmer than Lambda's."""

    def __init__(self, layer_root):
        self.path = os.path.join(layer_root, "credentials-sidecar", "compile-cache")
        self.pristine = None
        if os.path.isdir(self.path):
            self.pristine = tempfile.mkdtemp(prefix="sidecar-bench-cache-")
            shutil.rmtree(self.pristine)
            shutil.copytree(self.path, self.pristine)

    def restore(self):
        if self.pristine is None:
            return
        shutil.rmtree(self.path, ignore_errors=True)
        shutil.copytree(self.pristine, self.path)

    def close(self):
        if self.pristine is not None:
            shutil.rmtree(self.pristine, ignore_errors=True)


def bare_node_once(node):
    started = time.perf_counter()
    code = subprocess.call(
        [node, "-e", "0"],
        env={"PATH": os.environ.get("PATH", "")},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if code != 0:
        raise RuntimeError("node -e 0 exited %d" % code)
    return (time.perf_counter() - started) * 1000


def sts_round_trip_ms(plan, signer):
    """One AssumeRole to the STS stand-in on a fresh connection, as the sidecar's first call makes:
    signed beforehand, so only the stand-in's work and the loopback round trip are timed."""
    from urllib.parse import urlsplit

    body, headers = signer()
    url = urlsplit(plan["sts"]["endpoint"])
    started = time.perf_counter()
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request("POST", "/", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError("STS stand-in answered %d: %s" % (response.status, data[:300]))
    return elapsed


def assume_role_signer(plan):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from urllib.parse import urlencode

    credentials = Credentials(plan["sts"]["accessKeyId"], plan["sts"]["secretAccessKey"])

    def sign():
        body = urlencode(
            {
                "Action": "AssumeRole",
                "Version": "2011-06-15",
                "RoleArn": plan["roleArn"],
                "RoleSessionName": "bench-rtt",
                "DurationSeconds": "3600",
            }
        )
        request = AWSRequest(
            method="POST",
            url=plan["sts"]["endpoint"] + "/",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        SigV4Auth(credentials, "sts", "us-east-1").add_auth(request)
        return body, dict(request.headers.items())

    return sign


def sidecar_cold_start_once(plan, extra_env, roles):
    mock = MockLambda()
    scratch = tempfile.mkdtemp(prefix="sidecar-bench-cold-")
    env = sidecar_env(plan, mock.address, scratch, extra_env)
    token_path = os.path.join(scratch, "run", "token")
    log = open(os.path.join(scratch, "output.log"), "wb")
    child = None
    try:
        spawned = time.perf_counter()
        child = subprocess.Popen([plan["launcher"]], env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = spawned + 10
        while not mock.registered.wait(0.0005):
            if child.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError("sidecar did not register:\n" + read_log(scratch))
        register = (mock.registered_at - spawned) * 1000
        # The wrapper's readiness signal: the runtime files (written before register; roles-url after
        # the token, so both are there once it is).
        while not os.path.exists(os.path.join(scratch, "run", "roles-url")):
            if time.perf_counter() > deadline:
                raise RuntimeError("no token file:\n" + read_log(scratch))
            time.sleep(0.0002)
        with open(token_path) as f:
            token = f.read()
        port = port_of(scratch, deadline)
        credentials = {}
        for role in roles:
            while True:
                status, body = get(port, "/roles/" + role, {"Authorization": token})
                if status == 200:
                    credentials[role] = (time.perf_counter() - spawned) * 1000
                    break
                if status != 503 or time.perf_counter() > deadline:
                    raise RuntimeError("credentials answered %d: %s" % (status, body[:300]))
        mock.shutdown_extension()
        code = child.wait(timeout=5)
        if code != 0:
            raise RuntimeError("sidecar exited %d on SHUTDOWN:\n%s" % (code, read_log(scratch)))
        if mock.errors:
            raise RuntimeError("sidecar reported errors: %s" % mock.errors)
        return {"register": register, "credentials": credentials[roles[0]], "allRoles": max(credentials.values())}
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        log.close()
        mock.close()
        shutil.rmtree(scratch, ignore_errors=True)


def read_log(scratch):
    try:
        with open(os.path.join(scratch, "output.log"), errors="replace") as f:
            return f.read()[-4000:]
    except OSError:
        return ""


def cold(plan):
    cache = CompileCache(plan["layerRoot"])
    signer = assume_role_signer(plan)
    results = {}
    try:
        for variant in plan["variants"]:
            rows = {"baseline": [], "register": [], "credentials": [], "allRoles": [], "stsRoundTrip": []}
            warm_up = plan.get("warmUp", 2)
            for i in range(warm_up + plan["runs"]):
                keep = i >= warm_up

                def bare():
                    ms = bare_node_once(plan["node"])
                    if keep:
                        rows["baseline"].append(ms)

                def subject():
                    run = sidecar_cold_start_once(plan, variant.get("env"), variant["roles"])
                    cache.restore()
                    rtt = sts_round_trip_ms(plan, signer)
                    if keep:
                        for key in ("register", "credentials", "allRoles"):
                            rows[key].append(run[key])
                        rows["stsRoundTrip"].append(rtt)

                # Alternate which goes first, so neither always runs right after the other's teardown.
                for step in (bare, subject) if i % 2 == 0 else (subject, bare):
                    step()
                if (i + 1 - warm_up) % 10 == 0 and keep:
                    progress("cold start (%s): %d/%d" % (variant["name"], i + 1 - warm_up, plan["runs"]))
            results[variant["name"]] = rows
    finally:
        cache.close()
    return results


# ---------------------------------------------------------------------------------------------
# The 128 MB function

FUNCTION_CODE = r"""
import http.client, json, os, sys, time
import boto3

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
runtime = http.client.HTTPConnection(host, int(port))  # kept alive, as a runtime's client does
base = "/2018-06-01/runtime/invocation/"
count = int(sys.argv[1])
want = sys.argv[2]
# Created once, like a client at module level in a real handler: the SDK's default chain finds the
# role through the wrapper's variables and caches the credentials until they near expiry.
sts = boto3.client("sts")
started = time.perf_counter()
for i in range(count):
    runtime.request("GET", base + "next")
    response = runtime.getresponse()
    request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
    response.read()
    arn = sts.get_caller_identity()["Arn"]
    if want not in arn:
        sys.exit("invocation %d ran as %s, not the role" % (i, arn))
    runtime.request("POST", base + request_id + "/response", body=b"{}")
    runtime.getresponse().read()
print(json.dumps({"invocations": count, "seconds": time.perf_counter() - started,
                  "keysInEnvironment": "AWS_ACCESS_KEY_ID" in os.environ}))
"""


class Cgroup:
    def __init__(self, name, limit_bytes):
        self.path = os.path.join(CGROUP_ROOT, name)
        os.mkdir(self.path)
        self.write("memory.limit_in_bytes", str(limit_bytes))

    def write(self, name, value):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(value)

    def read(self, name):
        with open(os.path.join(self.path, name)) as f:
            return f.read()

    def number(self, name):
        return int(self.read(name).strip())

    def join(self):
        """preexec_fn: the child moves itself in before exec, so all it maps is charged here."""
        path = os.path.join(self.path, "cgroup.procs")

        def move():
            with open(path, "w") as f:
                f.write(str(os.getpid()))

        return move

    def remove(self):
        for _ in range(100):
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.05)


def function(plan):
    mock = MockLambda()
    scratch = tempfile.mkdtemp(prefix="sidecar-bench-fn-")
    cgroup = Cgroup("credentials-sidecar-bench-%d" % os.getpid(), plan["limitBytes"])
    sidecar = fn = None
    log = open(os.path.join(scratch, "output.log"), "wb")
    try:
        env = sidecar_env(plan, mock.address, scratch, {})
        sidecar = subprocess.Popen(
            [plan["launcher"]], env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=cgroup.join()
        )
        if not mock.registered.wait(10):
            raise RuntimeError("sidecar did not register:\n" + read_log(scratch))
        code_path = os.path.join(scratch, "fn.py")
        with open(code_path, "w") as f:
            f.write(FUNCTION_CODE)
        # The runtime's environment: the execution role's keys, which the wrapper moves aside.
        fn_env = dict(env)
        for name in ("CREDENTIALS_SIDECAR_ROLE_ARN", "CREDENTIALS_SIDECAR_PORT", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
            fn_env.pop(name, None)
        fn_env["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/12/01/[$LATEST]0123456789abcdef0123456789abcdef"
        fn_env["AWS_DEFAULT_REGION"] = env["AWS_REGION"]  # Lambda sets both; botocore reads this one
        fn_env["PYTHONDONTWRITEBYTECODE"] = "1"
        fn = subprocess.Popen(
            [plan["wrapper"], sys.executable, code_path, str(plan["invocations"]), ":assumed-role/"],
            env=fn_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=cgroup.join(),
        )
        out, err = fn.communicate(timeout=plan["timeoutSeconds"])
        if fn.returncode != 0:
            raise RuntimeError("function exited %s: %s" % (fn.returncode, err.decode(errors="replace")[-3000:]))
        summary = json.loads(out.decode().strip().splitlines()[-1])
        mock.shutdown_extension()
        sidecar_code = sidecar.wait(timeout=5)
        oom = dict(line.split() for line in cgroup.read("memory.oom_control").splitlines())
        return {
            "limitBytes": cgroup.number("memory.limit_in_bytes"),
            "maxUsageBytes": cgroup.number("memory.max_usage_in_bytes"),
            "failcnt": cgroup.number("memory.failcnt"),
            "oomKill": int(oom.get("oom_kill", 0)),
            "underOom": int(oom.get("under_oom", 0)),
            "invocations": summary["invocations"],
            "extensionInvokes": mock.invocations,
            "seconds": summary["seconds"],
            "keysInEnvironment": summary["keysInEnvironment"],
            "sidecarExit": sidecar_code,
            "errors": mock.errors,
        }
    finally:
        for child in (fn, sidecar):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
        log.close()
        mock.close()
        cgroup.remove()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    command = sys.argv[1]
    plan = json.load(sys.stdin)
    result = {"cold": cold, "function": function}[command](plan)
    json.dump(result, sys.stdout)
