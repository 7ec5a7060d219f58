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


def main() -> None:
    sts = boto3.session.Session().client("sts", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_STS"))
    arn = sts.get_caller_identity()["Arn"]
    print(json.dumps({"Arn": arn, "botocore": botocore.__version__}), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - report anything unexpected and fail
        print(f"identity.py: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
