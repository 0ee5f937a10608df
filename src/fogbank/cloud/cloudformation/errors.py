"""Errors of the CloudFormation engine, each carrying the AWS error code the API answers with.

Example:
    >>> err = TemplateValidationError("Template format error: Resources section is missing")
    >>> err.code
    'ValidationError'
"""

from __future__ import annotations

from fogbank.cloud.aws_errors import AwsError, ErrorShape

__all__ = [
    "AlreadyExistsError",
    "CfnError",
    "ResourceFailure",
    "StackNotFoundError",
    "TemplateValidationError",
]


class CfnError(AwsError):
    """An error the CloudFormation API returns to the caller (query protocol `<Code>` + message)."""

    code = "ValidationError"
    status = 400
    shape = ErrorShape.QUERY


class TemplateValidationError(CfnError):
    """A template, parameter or request is invalid (AWS: ValidationError)."""


class StackNotFoundError(CfnError):
    """`Stack with id X does not exist` (AWS answers ValidationError, 400)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Stack with id {name} does not exist")


class AlreadyExistsError(CfnError):
    """CreateStack of a name that is already taken."""

    code = "AlreadyExistsException"

    def __init__(self, name: str) -> None:
        super().__init__(f"Stack [{name}] already exists")


class ResourceFailure(Exception):
    """A resource operation failed while the stack was being worked on; the message becomes the event reason."""
