"""Invoke Lambda functions and time them (the seed's get_lambda_response helpers).

Example (skipped as a doctest: it needs a deployed stack):
    >>> response, execution_time = get_lambda_response(function_arn, payload='{"a": 1}')  # doctest: +SKIP
    >>> response["Payload"].read()  # doctest: +SKIP
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict

__all__ = [
    "STAGGER_SECONDS",
    "GetLambdaResponseOptions",
    "get_lambda_response",
    "get_lambda_response_in_parallel",
]

# The seed's spacing of parallel invocations: the n-th starts 0.5 * n seconds after the previous one.
STAGGER_SECONDS = 0.5


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

    Raises RuntimeError with the error payload when the function failed (FunctionError "Unhandled", as the
    seed checks) and `raise_on_error` is set.
    """
    client = client or boto3.client("lambda")
    execution_time = datetime.now(UTC)
    response: dict[str, Any] = client.invoke(
        FunctionName=lambda_arn, InvocationType="RequestResponse", Payload=payload or ""
    )
    if response.get("FunctionError") == "Unhandled" and raise_on_error:
        error_payload = response["Payload"].read().decode()
        raise RuntimeError(
            f"Function {lambda_arn} failed invocation ({response['FunctionError']}): {error_payload}"
        )
    return response, execution_time


def get_lambda_response_in_parallel(
    get_lambda_response_options: list[GetLambdaResponseOptions],
) -> list[tuple[dict[str, Any], datetime]]:
    """Invoke every option concurrently, started in the order given; results come back in that order.

    As the seed does, the n-th invocation (from 0) starts 0.5 * n seconds after the one before it, so that the
    functions run in parallel yet begin in a known order (tests assert on which call came first).
    """
    if not get_lambda_response_options:
        return []
    with ThreadPoolExecutor(max_workers=len(get_lambda_response_options)) as executor:
        futures: list[Future[tuple[dict[str, Any], datetime]]] = []
        for options in get_lambda_response_options:
            time.sleep(STAGGER_SECONDS * len(futures))
            futures.append(
                executor.submit(
                    get_lambda_response,
                    options.lambda_arn,
                    options.payload,
                    options.client,
                    options.raise_on_error,
                )
            )
        return [future.result() for future in futures]
