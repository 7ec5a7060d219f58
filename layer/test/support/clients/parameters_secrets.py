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
    sts = boto3.session.Session().client("sts", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_STS"))
    arn = sts.get_caller_identity()["Arn"]
    print(json.dumps({"status": status, "body": body, "Arn": arn}), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - report anything unexpected and fail
        print(f"parameters_secrets.py: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
