"""AppSync's error shapes: field errors inside a GraphQL response, and request-level rejections.

Example:
    >>> unauthorized().body
    b'{"errors":[{"errorType":"UnauthorizedException","message":"You are not authorized to make this call."}]}'
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from fogbank.cloud.frontdoors.http import HttpResponse

__all__ = ["FieldError", "format_error", "rejection", "unauthorized"]

NOT_AUTHORIZED = "You are not authorized to make this call."


class FieldError(Exception):
    """A field failed the way AppSync reports it: `errorType` and `message` (e.g. Lambda:Unhandled)."""

    def __init__(self, error_type: str, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.data = data


def format_error(error: GraphQLError) -> dict[str, Any]:
    """One entry of the response's `errors`, in AppSync's shape (path, data, errorType, errorInfo, locations)."""
    original = error.original_error
    entry: dict[str, Any] = {
        "path": list(error.path) if error.path else None,
        "data": original.data if isinstance(original, FieldError) else None,
        "errorType": original.error_type if isinstance(original, FieldError) else None,
        "errorInfo": None,
        "locations": [
            {"line": location.line, "column": location.column, "sourceName": None}
            for location in error.locations or []
        ],
        "message": original.message if isinstance(original, FieldError) else error.message,
    }
    if entry["errorType"] is None:
        del entry["errorType"], entry["data"], entry["errorInfo"]
    return entry


def rejection(status: int, error_type: str, message: str) -> HttpResponse:
    """A request AppSync refuses before execution: `{"errors": [{"errorType", "message"}]}`."""
    return HttpResponse.json({"errors": [{"errorType": error_type, "message": message}]}, status)


def unauthorized(message: str = NOT_AUTHORIZED) -> HttpResponse:
    return rejection(401, "UnauthorizedException", message)
