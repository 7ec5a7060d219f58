"""Lambda function (Python, boto3) using the credentials-sidecar layer.

The default role needs no code at all: the layer's exec wrapper (AWS_LAMBDA_EXEC_WRAPPER=
/opt/credentials-sidecar/wrapper) points boto3's default credential chain at the sidecar, so
`boto3.client("sts")` already acts as the config's `default` role.

Any other role of the config is one explicit session away: `session_for_role("audit")`.
"""

import os

import boto3
import botocore.session
from botocore.credentials import ContainerProvider, CredentialResolver


def session_for_role(name: str) -> boto3.Session:
    """A boto3 session whose only credential source is the sidecar's role `name`.

    botocore's own ContainerProvider does the work, so the credentials are RefreshableCredentials:
    every client of the session shares them and fetches them again from the sidecar before they
    expire (botocore refreshes 15 minutes ahead, and the sidecar always serves more than that).
    The provider gets its own environ, so the process environment (the default role) is untouched.
    """
    roles_url = os.environ.get("CREDENTIALS_SIDECAR_ROLES_URL")
    if not roles_url:
        raise RuntimeError(
            "CREDENTIALS_SIDECAR_ROLES_URL is not set: run the function through the layer's wrapper "
            "(AWS_LAMBDA_EXEC_WRAPPER=/opt/credentials-sidecar/wrapper)"
        )
    environ = {
        ContainerProvider.ENV_VAR_FULL: roles_url + name,
        ContainerProvider.ENV_VAR_AUTH_TOKEN: os.environ.get("CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN") or os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"],
    }
    botocore_session = botocore.session.get_session()
    # Replace the whole chain: if the sidecar cannot give this role, fail loudly rather than fall
    # back to some other identity (environment keys, config files) without anyone noticing.
    botocore_session.register_component(
        "credential_provider", CredentialResolver([ContainerProvider(environ=environ)])
    )
    return boto3.Session(botocore_session=botocore_session)


# Clients are created once per execution environment and reused across invocations.
default_sts = boto3.client("sts")
audit_sts = session_for_role("audit").client("sts")


def lambda_handler(event, context):
    return {
        "default": default_sts.get_caller_identity()["Arn"],
        "audit": audit_sts.get_caller_identity()["Arn"],
    }
