"""Times the layer the way Lambda sees it, from outside Node (the bench harness's event loop would
slow the baseline's spawn and exit more than the subject's). Run by bench/run.mjs, which keeps the
STS stand-in and passes its endpoint; reads a JSON plan from the file it is given, writes JSON results on stdout,
progress on stderr. The parts are in bench/timer/: mock_lambda.py (the Runtime and Extensions API),
sidecar.py (its environment, from the plan: bench/lib/sidecar.mjs makes it), cold_start.py and
function128.py.

  cold      spawn -> `register` at a timing Runtime API, spawn -> first credentials, an AssumeRole
            round trip to the STS stand-in (to subtract), and a bare `node -e 0` (spawn -> exit),
            interleaved run by run.
  function  a 128 MB function: the sidecar and a Python boto3 function started through the layer's
            wrapper, both in one v1 memory cgroup limited to 128 MiB, driven through N invocations
            by a small Runtime API; each invocation makes an STS call with the role's credentials.
"""

import argparse
import json
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from timer.cold_start import cold  # noqa: E402
from timer.function128 import function  # noqa: E402

COMMANDS = {"cold": cold, "function": function}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=sorted(COMMANDS), help="what to time")
    parser.add_argument("plan", help="the JSON plan's file (bench/lib/pythonTimer.mjs writes it)")
    args = parser.parse_args()
    with open(args.plan) as f:
        plan = json.load(f)
    json.dump(COMMANDS[args.command](plan), sys.stdout)


if __name__ == "__main__":
    main()
