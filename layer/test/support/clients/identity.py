"""Which identity does this Python's botocore default credential chain resolve to?

For SDK versions that predate AWS_ENDPOINT_URL (botocore 1.29), the STS endpoint is passed explicitly
from AWS_ENDPOINT_URL_STS. Prints one JSON line: {"Arn", "botocore"}; on error, a message on stderr
and exit status 1.
"""

import json
import os
import sys

import boto3
import botocore

# function_support.py is shared with extension/test/support/clients: found from this file's place.
REPO = os.path.join(os.path.dirname(os.path.realpath(__file__)), *[".."] * 4)
sys.path.insert(0, os.path.join(REPO, "extension", "test", "support", "clients"))
from function_support import caller_arn, run  # noqa: E402


def main() -> None:
    arn = caller_arn(boto3.session.Session())
    print(json.dumps({"Arn": arn, "botocore": botocore.__version__}), flush=True)


if __name__ == "__main__":
    run(main)
