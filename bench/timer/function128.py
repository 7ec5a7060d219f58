"""A 128 MB function: the sidecar and a Python boto3 function started through the layer's wrapper,
both in one v1 memory cgroup limited to 128 MiB, driven through N invocations by a small Runtime
API; each invocation makes an STS call with the role's credentials."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from timer.mock_lambda import MockLambda
from timer.sidecar import read_log, sidecar_env

CGROUP_ROOT = "/sys/fs/cgroup/memory"

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
