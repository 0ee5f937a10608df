"""Lambda API errors with AWS's codes, raised inside the component and turned into rest-json responses.

Example:
    >>> err = function_not_found("arn:aws:lambda:us-east-1:123456789012:function:nope")
    >>> err.code, err.status
    ('ResourceNotFoundException', 404)
"""

from __future__ import annotations

from fogbank.cloud.aws_errors import AwsError, ErrorShape
from fogbank.cloud.router import AwsResponse

__all__ = [
    "MAX_ASYNC_PAYLOAD",
    "MAX_SYNC_PAYLOAD",
    "LambdaApiError",
    "function_not_found",
    "too_many_requests",
]

MAX_SYNC_PAYLOAD = 6 * 1024 * 1024
MAX_ASYNC_PAYLOAD = 256 * 1024


class LambdaApiError(AwsError):
    """An error answered by the Lambda API (code, message, HTTP status, optional Reason), as AWS answers it."""

    shape = ErrorShape.REST_JSON

    def __init__(self, code: str, message: str, status: int = 400, reason: str | None = None) -> None:
        super().__init__(message, code=code, status=status, extra={"Reason": reason} if reason else None)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def response(self) -> AwsResponse:
        """The rest-json error response boto3 turns into `client.exceptions.<code>`."""
        return self.render()


def function_not_found(arn: str) -> LambdaApiError:
    return LambdaApiError("ResourceNotFoundException", f"Function not found: {arn}", 404)


def too_many_requests(function_name: str, reserved: int) -> LambdaApiError:
    return LambdaApiError(
        "TooManyRequestsException",
        f"Rate Exceeded. Function {function_name} has reserved concurrency {reserved} and all of it is in use; "
        "retry later, or raise it with PutFunctionConcurrency",
        429,
        reason="ReservedFunctionConcurrentInvocationLimitExceeded",
    )
