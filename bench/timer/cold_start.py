"""Cold start: spawn -> `register` at a timing Runtime API; spawn -> the runtime's command running (the
layer's real wrapper started the moment `register` is answered, as Lambda does, running a command that
prints one line); spawn -> the first `event/next` (the end of the extension's init); spawn -> first
credentials, with an AssumeRole round trip to the STS stand-in (to subtract); a bare `node -e 0`
(spawn -> exit); and the floor of first credentials on Node (floor.cjs: spawn -> its first
credentials), plain and as an extension that registers and serves through fastify, interleaved run
by run."""

import http.client
import os
import shutil
import subprocess
import tempfile
import time

from timer.mock_lambda import MockLambda
from timer.sidecar import get, port_of, progress, read_log, sidecar_env, wait_for_roles_url


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


FLOOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "floor.cjs")


def floor_once(plan, extra_env, extension=False):
    """spawn -> first 200 of bench/timer/floor.cjs, run by the layer's node: the floor of first
    credentials on Node (what any program serving them must load and do), asked as the sidecar is,
    with the variant's STS endpoint. `extension`: the same floor as a Lambda extension that registers
    at this run's Runtime API and serves through fastify, bundled and with a code cache as the layer's
    bundles (the plan's extensionFloor: bench/lib/extensionFloor.mjs)."""
    scratch = tempfile.mkdtemp(prefix="sidecar-bench-floor-")
    log = open(os.path.join(scratch, "output.log"), "wb")
    extra = dict(extra_env or {}, CREDENTIALS_SIDECAR_ROLE_ARN=plan["roleArn"])
    command = [plan["node"], FLOOR]
    mock = None
    runtime_api = "127.0.0.1:9"
    if extension:
        command = plan["extensionFloor"]["command"]
        extra.update(plan["extensionFloor"]["env"])
        mock = MockLambda()
        runtime_api = mock.address
    env = sidecar_env(plan, runtime_api, scratch, extra)
    child = None
    try:
        spawned = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = spawned + 10
        wait_for_roles_url(scratch, child, deadline, "the floor script")
        status, body = get(port_of(scratch, deadline), "/roles/default")
        if status != 200:
            raise RuntimeError("the floor script answered %d: %s" % (status, body[:300]))
        served = (time.perf_counter() - spawned) * 1000
        # Written first thing, so long since there: the wait only lets the mock's thread finish it.
        if mock is not None and not mock.registered.wait(5):
            raise RuntimeError("the extension floor never registered:\n" + read_log(scratch))
        return served
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        log.close()
        if mock is not None:
            mock.close()
        shutil.rmtree(scratch, ignore_errors=True)


RUNTIME_STARTED = b"runtime-started"
LOG_STREAM = "2026/12/07/[$LATEST]0123456789abcdef0123456789abcdef"


def sidecar_cold_start_once(plan, extra_env, roles):
    scratch = tempfile.mkdtemp(prefix="sidecar-bench-cold-")
    wrapper = os.path.join(plan["layerRoot"], "credentials-sidecar", "wrapper")
    log = open(os.path.join(scratch, "output.log"), "wb")
    runtime = {}

    def start_runtime():
        # The function's environment (what the extension sees too) plus what only the runtime gets.
        runtime_env = dict(env, AWS_LAMBDA_LOG_STREAM_NAME=LOG_STREAM)
        runtime["process"] = subprocess.Popen(
            [wrapper, "/bin/sh", "-c", "echo runtime-started"],
            env=runtime_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
        )

    mock = MockLambda(on_register=start_runtime)
    # As in a function that uses the layer's wrapper: the extension then waits for its log-stream report.
    env = sidecar_env(plan, mock.address, scratch, dict(extra_env or {}, AWS_LAMBDA_EXEC_WRAPPER=wrapper))
    token_path = os.path.join(scratch, "run", "token")
    child = None
    try:
        spawned = time.perf_counter()
        child = subprocess.Popen([plan["launcher"]], env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = spawned + 10
        while not mock.registered.wait(0.0005):
            if child.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError("sidecar did not register:\n" + read_log(scratch))
        register = (mock.registered_at - spawned) * 1000
        line = runtime["process"].stdout.readline()
        runtime_running = (time.perf_counter() - spawned) * 1000
        if line.strip() != RUNTIME_STARTED or runtime["process"].wait(timeout=5) != 0:
            raise RuntimeError("the wrapper did not start the runtime's command:\n" + read_log(scratch))
        # The wrapper's readiness signal: the runtime files (written before register).
        wait_for_roles_url(scratch, child, deadline, "the sidecar")
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
        while mock.first_next_at is None:
            if child.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError("sidecar never asked for its next event:\n" + read_log(scratch))
            time.sleep(0.0002)
        event_next = (mock.first_next_at - spawned) * 1000
        mock.shutdown_extension()
        code = child.wait(timeout=5)
        if code != 0:
            raise RuntimeError("sidecar exited %d on SHUTDOWN:\n%s" % (code, read_log(scratch)))
        if mock.errors:
            raise RuntimeError("sidecar reported errors: %s" % mock.errors)
        return {
            "register": register,
            "runtime": runtime_running,
            "eventNext": event_next,
            "credentials": credentials[roles[0]],
            "allRoles": max(credentials.values()),
        }
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        if "process" in runtime:
            if runtime["process"].poll() is None:
                runtime["process"].kill()
                runtime["process"].wait()
            runtime["process"].stdout.close()
        log.close()
        mock.close()
        shutil.rmtree(scratch, ignore_errors=True)


def cold(plan):
    signer = assume_role_signer(plan)
    results = {}
    for variant in plan["variants"]:
        keys = ("register", "runtime", "eventNext", "credentials", "allRoles")
        rows = {"baseline": [], "floor": [], "extensionFloor": [], "stsRoundTrip": [], **{key: [] for key in keys}}
        warm_up = plan.get("warmUp", 2)
        for i in range(warm_up + plan["runs"]):
            keep = i >= warm_up

            def bare():
                ms = bare_node_once(plan["node"])
                if keep:
                    rows["baseline"].append(ms)

            def floor():
                ms = floor_once(plan, variant.get("env"))
                if keep:
                    rows["floor"].append(ms)

            def extension_floor():
                ms = floor_once(plan, variant.get("env"), extension=True)
                if keep:
                    rows["extensionFloor"].append(ms)

            def subject():
                run = sidecar_cold_start_once(plan, variant.get("env"), variant["roles"])
                rtt = sts_round_trip_ms(plan, signer)
                if keep:
                    for key in keys:
                        rows[key].append(run[key])
                    rows["stsRoundTrip"].append(rtt)

            # Rotate which goes first, so none always runs right after another's teardown.
            steps = (bare, subject, floor, extension_floor)
            for step in steps[i % len(steps) :] + steps[: i % len(steps)]:
                step()
            if (i + 1 - warm_up) % 10 == 0 and keep:
                progress("cold start (%s): %d/%d" % (variant["name"], i + 1 - warm_up, plan["runs"]))
        results[variant["name"]] = rows
    return results
