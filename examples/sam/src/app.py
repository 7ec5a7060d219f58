"""aws-assume-role-lib's Lambda demo, with the credentials-sidecar layer doing the AssumeRole.

The function's code never calls STS: the layer assumes CREDENTIALS_SIDECAR_ROLE_ARN and its exec
wrapper makes that role boto3's default. The target role may read the table but not the bucket,
so the answer shows DynamoDB "allowed" and S3 "denied", next to the execution role for contrast.
"""

import os

import boto3
from botocore.exceptions import ClientError

TABLE_NAME = os.environ["TABLE_NAME"]
BUCKET_NAME = os.environ["BUCKET_NAME"]
ITEM_KEY = os.environ.get("ITEM_KEY", "demo")
OBJECT_KEY = os.environ.get("OBJECT_KEY", "demo.txt")
DENIED = {"AccessDenied", "AccessDeniedException"}

# The default chain: the target role, served by the sidecar.
sts = boto3.client("sts")
dynamodb = boto3.client("dynamodb")
s3 = boto3.client("s3")


def execution_role_arn():
    """Who the function would have been without the layer: the wrapper keeps those keys aside."""
    access_key = os.environ.get("CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID")
    if not access_key:
        return None
    client = boto3.client(
        "sts",
        aws_access_key_id=access_key,
        aws_secret_access_key=os.environ["CREDENTIALS_SIDECAR_EXECUTION_ROLE_SECRET_ACCESS_KEY"],
        aws_session_token=os.environ.get("CREDENTIALS_SIDECAR_EXECUTION_ROLE_SESSION_TOKEN"),
    )
    return client.get_caller_identity()["Arn"]


def outcome(call):
    try:
        call()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in DENIED:
            return f"denied:{code}"
        raise
    return "allowed"


def lambda_handler(event, context):
    return {
        "execution_role_arn": execution_role_arn(),
        "role_arn": sts.get_caller_identity()["Arn"],
        "dynamodb": outcome(lambda: dynamodb.get_item(TableName=TABLE_NAME, Key={"pk": {"S": ITEM_KEY}})),
        "s3": outcome(lambda: s3.get_object(Bucket=BUCKET_NAME, Key=OBJECT_KEY)["Body"].read()),
    }
