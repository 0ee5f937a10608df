"""Run the boto3 calls an event lists and report each outcome: "ok", or AWS's error code, message and status.

Every handler of this feature is this one function under its own role, so the tests see exactly what each
role may do.
"""

from typing import Any

import boto3
from botocore.exceptions import ClientError


def run_calls(event: dict[str, Any]) -> dict[str, Any]:
    """{"calls": [{"service": "s3", "method": "get_object", "params": {...}}, ...]} -> outcomes in order."""
    outcomes: list[Any] = []
    for call in event.get("calls", []):
        client = boto3.client(call["service"])
        try:
            getattr(client, call["method"])(**call.get("params", {}))
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(
                {
                    "code": error.response["Error"]["Code"],
                    "message": error.response["Error"].get("Message", ""),
                    "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
                }
            )
    identity = boto3.client("sts").get_caller_identity()["Arn"]
    return {"caller": identity, "outcomes": outcomes}
