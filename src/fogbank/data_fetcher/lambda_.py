"""Invoke Lambda functions and time them (the seed's get_lambda_response helpers).

Example:
    >>> response, execution_time = get_lambda_response(function_arn, payload='{"a": 1}')  # doctest: +SKIP
    >>> response["Payload"].read()  # doctest: +SKIP
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict

__all__ = ["GetLambdaResponseOptions", "get_lambda_response", "get_lambda_response_in_parallel"]


class GetLambdaResponseOptions(BaseModel):
    """The arguments of one get_lambda_response call, for get_lambda_response_in_parallel."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    lambda_arn: str
    payload: str | None = None
    client: Any = None
    raise_on_error: bool = True


def get_lambda_response(
    lambda_arn: str, payload: str | None = None, client: Any = None, raise_on_error: bool = True
) -> tuple[dict[str, Any], datetime]:
    """Invoke synchronously; returns (Invoke response, UTC time just before the call).

    Raises RuntimeError with the error payload when the function failed and `raise_on_error` is set.
    """
    client = client or boto3.client("lambda")
    execution_time = datetime.now(UTC)
    response: dict[str, Any] = client.invoke(
        FunctionName=lambda_arn, InvocationType="RequestResponse", Payload=payload or ""
    )
    if response.get("FunctionError") and raise_on_error:
        error_payload = response["Payload"].read().decode()
        raise RuntimeError(
            f"Function {lambda_arn} failed invocation ({response['FunctionError']}): {error_payload}"
        )
    return response, execution_time


def get_lambda_response_in_parallel(
    get_lambda_response_options: list[GetLambdaResponseOptions],
) -> list[tuple[dict[str, Any], datetime]]:
    """Invoke every option concurrently; results come back in the order of the options."""
    if not get_lambda_response_options:
        return []
    with ThreadPoolExecutor(max_workers=len(get_lambda_response_options)) as executor:
        futures = [
            executor.submit(get_lambda_response, o.lambda_arn, o.payload, o.client, o.raise_on_error)
            for o in get_lambda_response_options
        ]
        return [future.result() for future in futures]
