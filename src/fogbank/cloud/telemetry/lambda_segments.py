"""Lambda's own X-Ray segments for one invocation, as AWS emits them for functions with Active tracing.

* the `AWS::Lambda` service segment (the Lambda service handling the request);
* the `AWS::Lambda::Function` segment (id = the `Parent` the function saw in `_X_AMZN_TRACE_ID`, so the SDK's
  subsegments hang under it), with `Initialization` (cold start only), `Invocation` and `Overhead`.

Example:
    >>> from fogbank.cloud.telemetry.records import InvocationRecord
    >>> r = InvocationRecord("1-5f84c7a0-aaaaaaaaaaaaaaaaaaaaaaaa", "1111111111111111", "2222222222222222", "f",
    ...     "arn:aws:lambda:us-east-1:123456789012:function:f", "us-east-1", "req", "Active",
    ...     1.0, 2.0, 1.1, 1.9)
    >>> [json.loads(d)["origin"] for d in lambda_segment_documents(r)]
    ['AWS::Lambda', 'AWS::Lambda::Function']
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from fogbank.cloud.telemetry.records import InvocationRecord

__all__ = ["LAMBDA_SUBSEGMENT_NAMES", "lambda_segment_documents"]

LAMBDA_SUBSEGMENT_NAMES = ("Initialization", "Invocation", "Overhead")


def _subsegment(name: str, start: float, end: float, **extra: Any) -> dict[str, Any]:
    return {"id": secrets.token_hex(8), "name": name, "start_time": start, "end_time": end, **extra}


def lambda_segment_documents(record: InvocationRecord) -> list[str]:
    """The segment documents Lambda sends for `record`; none unless tracing is Active."""
    if record.tracing_mode != "Active":
        return []
    error_flags: dict[str, bool] = {}
    if record.function_error is not None:
        error_flags["error"] = True
    if record.status >= 500:
        error_flags["fault"] = True
    service = {
        "id": record.service_segment_id,
        "trace_id": record.trace_id,
        "name": record.function_name,
        "origin": "AWS::Lambda",
        "start_time": record.start,
        "end_time": record.end,
        "resource_arn": record.function_arn,
        "http": {"response": {"status": record.status}},
        "aws": {"request_id": record.request_id},
        **error_flags,
    }
    subsegments: list[dict[str, Any]] = []
    function_start = record.invocation_start
    if record.cold_start and record.init_start is not None and record.init_end is not None:
        subsegments.append(
            _subsegment(
                "Initialization",
                record.init_start,
                record.init_end,
                aws={"function_arn": record.function_arn},
            )
        )
        function_start = min(function_start, record.init_start)
    invocation_flags = {"fault": True} if record.function_error is not None else {}
    subsegments.append(
        _subsegment("Invocation", record.invocation_start, record.invocation_end, **invocation_flags)
    )
    subsegments.append(_subsegment("Overhead", record.invocation_end, max(record.end, record.invocation_end)))
    function = {
        "id": record.function_segment_id,
        "trace_id": record.trace_id,
        "parent_id": record.service_segment_id,
        "name": record.function_name,
        "origin": "AWS::Lambda::Function",
        "start_time": function_start,
        "end_time": max(record.end, record.invocation_end),
        "resource_arn": record.function_arn,
        "aws": {"function_arn": record.function_arn, "resource_names": [record.function_name]},
        "subsegments": subsegments,
        **({"error": True} if record.function_error is not None else {}),
    }
    return [json.dumps(service), json.dumps(function)]
