"""Function code for tests: which identity does boto3's default credential chain give, and what may it do?

Uses only boto3's default session (default credential chain, default client construction). botocore
honours AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) and AWS_DEFAULT_REGION; it does NOT read
AWS_REGION, which Lambda sets alongside AWS_DEFAULT_REGION.

Checks, each skipped unless its variables are set:
  WHOAMI_TABLE + WHOAMI_KEY_JSON (low-level key, e.g. {"pk":{"S":"item-1"}}) -> dynamodb:GetItem
  WHOAMI_BUCKET + WHOAMI_OBJECT_KEY                                          -> s3:GetObject
Prints one JSON line: {"arn", "account", "dynamodb", "s3"}, each check "allowed" | "denied:<code>" |
"skipped". Any other error: message on stderr, exit status 1.
"""

import json
import os

import boto3
from botocore.exceptions import ClientError
from function_support import error_code, run

DENIED_CODES = {"AccessDenied", "AccessDeniedException"}


def check(action) -> str:
    try:
        action()
    except ClientError as error:
        code = error_code(error)
        if code in DENIED_CODES:
            return f"denied:{code}"
        raise
    return "allowed"


def main() -> None:
    session = boto3.session.Session()
    identity = session.client("sts").get_caller_identity()
    result = {"arn": identity["Arn"], "account": identity["Account"], "dynamodb": "skipped", "s3": "skipped"}

    table = os.environ.get("WHOAMI_TABLE")
    key_json = os.environ.get("WHOAMI_KEY_JSON")
    if table and key_json:
        dynamodb = session.client("dynamodb")
        result["dynamodb"] = check(lambda: dynamodb.get_item(TableName=table, Key=json.loads(key_json)))

    bucket = os.environ.get("WHOAMI_BUCKET")
    object_key = os.environ.get("WHOAMI_OBJECT_KEY")
    if bucket and object_key:
        s3 = session.client("s3")
        result["s3"] = check(lambda: s3.get_object(Bucket=bucket, Key=object_key)["Body"].read())

    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    run(main)
