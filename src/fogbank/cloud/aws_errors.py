"""`AwsError`: the one base class for errors the local cloud answers as AWS does, in every service's shape.

An AwsError carries AWS's error code (verbatim: boto3 turns it into `client.exceptions.<Code>`), a message
and an HTTP status, and renders itself in the wire shape of the service that was called:

| `ErrorShape` | services                                    | body                                                  |
|--------------|---------------------------------------------|-------------------------------------------------------|
| JSON         | awsJson 1.0/1.1 (Logs, DynamoDB, SSM, KMS)  | `{"__type": code, "message": ...}` + X-Amzn-ErrorType |
| REST_JSON    | Lambda, X-Ray, API Gateway, AppConfig       | `{"Type": "User", "message": ...}` + X-Amzn-ErrorType |
| QUERY        | CloudFormation, IAM, STS, SNS, ELBv2        | `<ErrorResponse><Error><Type/><Code/><Message/>...`    |
| S3           | S3                                          | `<Error><Code/><Message/><RequestId/></Error>`        |

How to use it:
- raise a subclass with class-level defaults (`code`, `status`, `shape`) from a handler, and let the handler's
  `except AwsError as exc: return exc.response_for(request)` (or `exc.render()` for the class's own shape)
  answer; or build one on the spot: `AwsError("User: x is not authorized", code="AccessDenied", status=403)`;
- `response_for(request)` picks the shape from the request (S3 by signing name, X-Amz-Target means JSON, an
  `Action` form or query means QUERY, anything else REST_JSON); `render(shape)` forces one;
- `extra` adds service-specific members to JSON bodies (e.g. Lambda's `Reason`).

Example:
    >>> class AccessDenied(AwsError):
    ...     code, status = "AccessDenied", 403
    >>> error = AccessDenied("User: arn:aws:iam::123456789012:user/u is not authorized to perform: s3:GetObject")
    >>> error.render(ErrorShape.QUERY).status, b"<Code>AccessDenied</Code>" in error.render(ErrorShape.QUERY).body
    (403, True)
    >>> error.render(ErrorShape.JSON).headers["X-Amzn-ErrorType"]
    'AccessDenied'
    >>> AwsError("no such key", code="NoSuchKey", status=404).render(ErrorShape.S3).headers["Content-Type"]
    'application/xml'
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import ClassVar

from fogbank.cloud.router import AwsRequest, AwsResponse, json_error, query_error, s3_error

__all__ = ["AwsError", "ErrorShape", "shape_of"]


class ErrorShape(enum.Enum):
    """The wire shapes of AWS errors (see the module docstring for which service uses which)."""

    JSON = "json"
    REST_JSON = "rest-json"
    QUERY = "query"
    S3 = "s3"


class AwsError(Exception):
    """An error answered as AWS answers it: `code`, `message`, HTTP `status`, rendered in any `ErrorShape`.

    Subclasses set the class attributes `code`, `status` and (optionally) `shape`, the service's own shape
    that `render()` uses by default; keyword arguments override them per instance.
    """

    code: str = "InternalFailure"
    status: int = 400
    shape: ClassVar[ErrorShape | None] = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.extra = dict(extra or {})

    def __str__(self) -> str:
        return self.message

    def render(self, shape: ErrorShape | None = None) -> AwsResponse:
        """The response in `shape` (default: the class's `shape`, else JSON)."""
        chosen = shape or self.shape or ErrorShape.JSON
        if chosen is ErrorShape.S3:
            return s3_error(self.code, self.message, self.status)
        if chosen is ErrorShape.QUERY:
            return query_error(self.code, self.message, self.status, sender=self.status < 500)
        response = json_error(self.code, self.message, self.status, rest=chosen is ErrorShape.REST_JSON)
        if self.extra:
            body = json.loads(response.body)
            body.update(self.extra)
            response.body = json.dumps(body).encode()
        return response

    def response_for(self, request: AwsRequest) -> AwsResponse:
        """The response in the shape `request`'s protocol expects (the class's `shape` when it has one)."""
        return self.render(self.shape or shape_of(request))


def shape_of(request: AwsRequest) -> ErrorShape:
    """The error shape of the protocol `request` speaks.

    Example:
        >>> form = {"Content-Type": "application/x-www-form-urlencoded"}
        >>> shape_of(AwsRequest.build("POST", "/", form, b"Action=ListStacks", service="cloudformation"))
        <ErrorShape.QUERY: 'query'>
    """
    if request.service == "s3":
        return ErrorShape.S3
    if request.target:
        return ErrorShape.JSON
    if request.action is not None:
        return ErrorShape.QUERY
    return ErrorShape.REST_JSON
