"""The function of examples/cdk: no credential code for the default role, one session for the other."""

import os

import boto3
import botocore.session
from botocore.credentials import ContainerProvider, CredentialResolver


def session_for_role(name):
    """A boto3 session acting as the sidecar's role `name` (see examples/python/handler.py)."""
    provider = ContainerProvider(
        environ={
            ContainerProvider.ENV_VAR_FULL: os.environ["CREDENTIALS_SIDECAR_ROLES_URL"] + name,
            ContainerProvider.ENV_VAR_AUTH_TOKEN: os.environ["CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN"],
        }
    )
    core = botocore.session.get_session()
    core.register_component("credential_provider", CredentialResolver([provider]))
    return boto3.Session(botocore_session=core)


# The default chain: role `reader` in the target account, through the layer's wrapper.
orders = boto3.client("dynamodb")
# Role `auditor`, chained from `reader`.
audit_trail = session_for_role("auditor").client("cloudtrail")


def lambda_handler(event, context):
    # The session is the target account's, so its table is named as if local.
    order = orders.get_item(TableName="orders", Key={"id": {"S": event["id"]}})
    changes = audit_trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": event["id"]}], MaxResults=5
    )
    return {"order": order.get("Item"), "changes": len(changes["Events"])}
