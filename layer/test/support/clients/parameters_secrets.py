"""Function code as the AWS Parameters and Secrets extension's documentation writes it: the header
X-Aws-Parameters-Secrets-Token carries AWS_SESSION_TOKEN. Also reports the identity boto3's default
chain resolves to in the same process. Prints one JSON line: {"status", "body", "Arn"}.
"""

import json
import os
import sys
import urllib.error
import urllib.request

import boto3

# function_support.py is shared with extension/test/support/clients: found from this file's place.
REPO = os.path.join(os.path.dirname(os.path.realpath(__file__)), *[".."] * 4)
sys.path.insert(0, os.path.join(REPO, "extension", "test", "support", "clients"))
from function_support import caller_arn, run  # noqa: E402


def main() -> None:
    port = os.environ.get("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "2773")
    request = urllib.request.Request(
        f"http://localhost:{port}/secretsmanager/get?secretId=orders-db",
        headers={"X-Aws-Parameters-Secrets-Token": os.environ["AWS_SESSION_TOKEN"]},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    arn = caller_arn(boto3.session.Session())
    print(json.dumps({"status": status, "body": body, "Arn": arn}), flush=True)


if __name__ == "__main__":
    run(main)
