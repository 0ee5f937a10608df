"""AppSync's scalar types and directives, so that an AppSync schema builds and executes with graphql-core.

AppSync schemas use scalars (AWSDateTime, AWSJSON, ...) and directives (@aws_api_key, @aws_iam, ...) without
declaring them. `PRELUDE` declares them; `install_scalars` gives each scalar AppSync's validation.

Example:
    >>> parse_aws_datetime("2026-11-29T17:00:00Z")
    '2026-11-29T17:00:00Z'
    >>> parse_aws_datetime("2026-11-29")
    Traceback (most recent call last):
    ...
    ValueError: Invalid AWSDateTime '2026-11-29': expected an extended ISO 8601 date and time with a zone
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from typing import Any

from graphql import GraphQLScalarType, GraphQLSchema, ValueNode, value_from_ast_untyped
from graphql.error import GraphQLError
from graphql.language import IntValueNode, StringValueNode

__all__ = ["APPSYNC_SCALARS", "AUTH_DIRECTIVES", "PRELUDE", "install_scalars", "parse_aws_datetime"]

AUTH_DIRECTIVES = {
    "aws_api_key": "API_KEY",
    "aws_iam": "AWS_IAM",
    "aws_oidc": "OPENID_CONNECT",
    "aws_cognito_user_pools": "AMAZON_COGNITO_USER_POOLS",
    "aws_lambda": "AWS_LAMBDA",
}

_ZONE = r"(Z|[+-]\d{2}(:\d{2}(:\d{2})?)?)"
_DATE = r"\d{4}-\d{2}-\d{2}"
_TIME = r"\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?"
_PATTERNS = {
    "AWSDateTime": (
        re.compile(rf"^{_DATE}T{_TIME}{_ZONE}$"),
        "an extended ISO 8601 date and time with a zone",
    ),
    "AWSDate": (re.compile(rf"^{_DATE}{_ZONE}?$"), "an extended ISO 8601 date (YYYY-MM-DD)"),
    "AWSTime": (re.compile(rf"^{_TIME}{_ZONE}?$"), "an extended ISO 8601 time (hh:mm:ss.sss)"),
    "AWSEmail": (re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), "an email address (local@domain.tld)"),
    "AWSURL": (re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$"), "a URL with a scheme (https://...)"),
    "AWSPhone": (re.compile(r"^\+?[\d\s().-]{3,}$"), "a phone number (digits, spaces, dashes, leading +)"),
}

PRELUDE = """
scalar AWSDateTime
scalar AWSDate
scalar AWSTime
scalar AWSTimestamp
scalar AWSJSON
scalar AWSEmail
scalar AWSURL
scalar AWSPhone
scalar AWSIPAddress
directive @aws_api_key on OBJECT | FIELD_DEFINITION
directive @aws_iam on OBJECT | FIELD_DEFINITION
directive @aws_oidc on OBJECT | FIELD_DEFINITION
directive @aws_lambda on OBJECT | FIELD_DEFINITION
directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION
directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
directive @aws_publish(subscriptions: [String]) on FIELD_DEFINITION
"""
APPSYNC_SCALARS = (
    "AWSDateTime",
    "AWSDate",
    "AWSTime",
    "AWSTimestamp",
    "AWSJSON",
    "AWSEmail",
    "AWSURL",
    "AWSPhone",
    "AWSIPAddress",
)


def _pattern_check(name: str) -> Callable[[Any], str]:
    pattern, expected = _PATTERNS[name]

    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(f"Invalid {name} {value!r}: expected {expected}")
        return value

    return check


parse_aws_datetime = _pattern_check("AWSDateTime")


def _ip_address(value: Any) -> str:
    try:
        text = str(value)
        if "/" in text:
            ipaddress.ip_network(text, strict=False)
        else:
            ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f"Invalid AWSIPAddress {value!r}: expected an IPv4 or IPv6 address") from None
    return text


def _timestamp(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"Invalid AWSTimestamp {value!r}: expected seconds since the epoch")
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"Invalid AWSTimestamp {value!r}: expected seconds since the epoch") from None


def _json_input(value: Any) -> Any:
    """An AWSJSON argument is a JSON string; resolvers receive the parsed value (as on AppSync)."""
    if not isinstance(value, str):
        raise ValueError(f"Invalid AWSJSON {value!r}: expected a string holding JSON")
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"Invalid AWSJSON {value!r}: {exc.msg}") from None


def _json_output(value: Any) -> str:
    """A resolver may answer a JSON string or any JSON value; the response holds it as a JSON string."""
    if isinstance(value, str):
        try:
            json.loads(value)
            return value
        except json.JSONDecodeError:
            pass
    return json.dumps(value, separators=(",", ":"))


def _literal(parse: Callable[[Any], Any]) -> Callable[..., Any]:
    def parse_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
        if isinstance(node, StringValueNode | IntValueNode):
            return parse(node.value)
        return parse(value_from_ast_untyped(node, variables))

    return parse_literal


def install_scalars(schema: GraphQLSchema) -> None:
    """Give the schema's AppSync scalars AppSync's validation (serialize, parse_value, parse_literal)."""
    checks: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
        name: (_pattern_check(name), _pattern_check(name)) for name in _PATTERNS
    }
    checks["AWSTimestamp"] = (_timestamp, _timestamp)
    checks["AWSIPAddress"] = (_ip_address, _ip_address)
    checks["AWSJSON"] = (_json_input, _json_output)
    for name, (parse, serialize) in checks.items():
        scalar = schema.type_map.get(name)
        if not isinstance(scalar, GraphQLScalarType):
            continue
        # graphql-core 3.3 reads coerce_*; the legacy names are kept in step for code that reads them
        scalar.parse_value = scalar.coerce_input_value = _wrap(parse)  # type: ignore[method-assign,assignment]
        scalar.parse_literal = scalar.coerce_input_literal = _literal(_wrap(parse))  # type: ignore[method-assign]
        scalar.serialize = scalar.coerce_output_value = _wrap(serialize)  # type: ignore[method-assign,assignment]


def _wrap(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def checked(value: Any) -> Any:
        try:
            return function(value)
        except ValueError as exc:
            raise GraphQLError(str(exc)) from None

    return checked
