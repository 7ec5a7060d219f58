"""What the tests' Python function code shares: whoami.py beside it, and layer/test/support's
identity.py, parameters_secrets.py and explicit_credentials.py. Those put this folder on sys.path
themselves (from their own location), so no test that runs them has to set PYTHONPATH.

- error_code: the error code of a botocore ClientError, also when moto answers a JSON-protocol service
  with an XML body.
- caller_arn: the ARN GetCallerIdentity gives a boto3 session.
- run: runs a script's main; anything unexpected is one line on stderr and exit status 1.
"""

import os
import re
import sys


def error_code(error) -> str:
    details = error.response.get("Error", {})
    code = str(details.get("Code", ""))
    if code.isdigit():
        # moto answers auth failures of JSON-protocol services with an XML body; botocore then reports
        # the HTTP status as the code and the raw body as the message.
        match = re.search(r"<Code>([^<]+)</Code>", str(details.get("Message", "")))
        if match:
            code = match.group(1)
    return code


def caller_arn(session) -> str:
    """The STS endpoint is passed from AWS_ENDPOINT_URL_STS for botocore versions that predate
    AWS_ENDPOINT_URL (1.29); newer ones would read it themselves."""
    sts = session.client("sts", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_STS"))
    return sts.get_caller_identity()["Arn"]


def run(main) -> None:
    try:
        main()
    except Exception as error:  # noqa: BLE001 - report anything unexpected and fail
        print(f"{os.path.basename(sys.argv[0])}: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
