"""Lambda API errors with AWS's codes, raised inside the component and turned into rest-json responses.

Example:
    >>> err = function_not_found("arn:aws:lambda:us-east-1:123456789012:function:nope")
    >>> err.code, err.status
    ('ResourceNotFoundException', 404)
"""

from __future__ import annotations

from fogbank.cloud.router import AwsResponse, json_error

__all__ = [
    "MAX_ASYNC_PAYLOAD",
    "MAX_SYNC_PAYLOAD",
    "LambdaApiError",
    "function_not_found",
    "too_many_requests",
]

MAX_SYNC_PAYLOAD = 6 * 1024 * 1024
MAX_ASYNC_PAYLOAD = 256 * 1024


class LambdaApiError(Exception):
    """An error answered by the Lambda API (code, message, HTTP status), as AWS answers it."""

    def __init__(self, code: str, message: str, status: int = 400, reason: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.reason = reason

    def response(self) -> AwsResponse:
        """The rest-json error response boto3 turns into `client.exceptions.<code>`."""
        answer = json_error(self.code, self.message, self.status, rest=True)
        if self.reason is not None:
            import json

            body = json.loads(answer.body)
            body["Reason"] = self.reason
            answer.body = json.dumps(body).encode()
        return answer


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
