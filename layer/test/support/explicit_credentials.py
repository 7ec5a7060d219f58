"""Function code for tests that names its credentials instead of using the default chain, as the README
shows: `role <name>` asks the sidecar for that role by URL (CREDENTIALS_SIDECAR_ROLES_URL, set by the
wrapper), `execution` uses the execution role's keys the wrapper moved aside, and `container` names the
container provider, which reads AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN
whatever keys are in the environment (the no-wrapper set-up).
Prints one JSON line: {"arn", "envKeys"} (envKeys: whether AWS_ACCESS_KEY_ID is in the environment).
"""

import json
import os
import sys

import boto3
import botocore.session
from botocore.credentials import ContainerProvider, CredentialResolver

# function_support.py is shared with extension/test/support/clients: found from this file's place.
REPO = os.path.join(os.path.dirname(os.path.realpath(__file__)), *[".."] * 3)
sys.path.insert(0, os.path.join(REPO, "extension", "test", "support", "clients"))
from function_support import caller_arn, run  # noqa: E402


def session_for_role(role: str) -> boto3.Session:
    """A boto3 session acting as another role the sidecar serves; botocore refreshes it by itself."""
    provider = ContainerProvider(
        environ={
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": os.environ["CREDENTIALS_SIDECAR_ROLES_URL"] + role,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": os.environ["CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN"],
        }
    )
    core = botocore.session.get_session()
    core.register_component("credential_provider", CredentialResolver([provider]))
    return boto3.Session(botocore_session=core)


def execution_role_session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=os.environ["CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["CREDENTIALS_SIDECAR_EXECUTION_ROLE_SECRET_ACCESS_KEY"],
        aws_session_token=os.environ.get("CREDENTIALS_SIDECAR_EXECUTION_ROLE_SESSION_TOKEN"),
    )


def container_session() -> boto3.Session:
    core = botocore.session.get_session()
    core.register_component("credential_provider", CredentialResolver([ContainerProvider()]))
    return boto3.Session(botocore_session=core)


def main() -> None:
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "role":
        session = session_for_role(args[1])
    elif args == ["execution"]:
        session = execution_role_session()
    elif args == ["container"]:
        session = container_session()
    else:
        raise SystemExit("usage: explicit_credentials.py role <name> | execution | container")
    arn = caller_arn(session)
    print(json.dumps({"arn": arn, "envKeys": "AWS_ACCESS_KEY_ID" in os.environ}), flush=True)


if __name__ == "__main__":
    run(main)
