"""Starting the sidecar as the timer does, and talking to it."""

import http.client
import os
import sys
import time


def progress(line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def sidecar_env(plan, runtime_api, scratch, extra):
    """The sidecar's environment: the plan's (made by bench/lib/sidecar.mjs sidecarEnv with the
    process kit's clean AWS environment: one list of what to keep out), this run's HOME, runtime
    folder and Runtime API, then `extra`; an empty value removes a variable."""
    env = dict(plan["sidecarEnv"])
    env.update(
        {
            "HOME": scratch,
            "AWS_LAMBDA_RUNTIME_API": runtime_api,
            "CREDENTIALS_SIDECAR_RUNTIME_DIR": os.path.join(scratch, "run"),
        }
    )
    env.update(extra or {})
    return {k: v for k, v in env.items() if v != ""}


def wait_for_roles_url(scratch, child, deadline, what):
    """Until `what` (the process `child`) has written the runtime folder's roles-url, after the token:
    both are there then. Fails with its output once it has exited or the deadline passed."""
    path = os.path.join(scratch, "run", "roles-url")
    while not os.path.exists(path):
        if child.poll() is not None or time.perf_counter() > deadline:
            raise RuntimeError("%s wrote no roles-url:\n%s" % (what, read_log(scratch)))
        time.sleep(0.0002)


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


def read_log(scratch):
    try:
        with open(os.path.join(scratch, "output.log"), errors="replace") as f:
            return f.read()[-4000:]
    except OSError:
        return ""
