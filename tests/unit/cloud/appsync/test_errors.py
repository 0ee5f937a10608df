"""AppSync's error shapes: field errors inside a response, and requests refused before execution."""

from __future__ import annotations

import json

from graphql import GraphQLError, parse

from fogbank.cloud.appsync.errors import FieldError, format_error, rejection, unauthorized


def test_a_field_error_carries_its_type_data_path_and_location() -> None:
    # GIVEN a Lambda resolver's failure on a field at line 1, column 3
    node = parse("{ order { id } }").definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]
    original = FieldError("Lambda:Unhandled", "boom", data={"partial": True})
    error = GraphQLError("boom", nodes=[node], path=["order"], original_error=original)
    # WHEN it is formatted THEN it has AppSync's keys
    assert format_error(error) == {
        "path": ["order"],
        "data": {"partial": True},
        "errorType": "Lambda:Unhandled",
        "errorInfo": None,
        "locations": [{"line": 1, "column": 3, "sourceName": None}],
        "message": "boom",
    }


def test_a_validation_error_has_no_error_type() -> None:
    # WHEN graphql-core's own error (no FieldError behind it) is formatted
    entry = format_error(GraphQLError("Cannot query field 'nope' on type 'Query'."))
    # THEN errorType, data and errorInfo are left out, as AppSync leaves them out of validation errors
    assert entry == {"path": None, "locations": [], "message": "Cannot query field 'nope' on type 'Query'."}


def test_refusals_before_execution() -> None:
    # THEN an unauthorized request is a 401 with AppSync's message, and any refusal has one errors entry
    assert unauthorized().status == 401
    assert json.loads(unauthorized().body) == {
        "errors": [
            {"errorType": "UnauthorizedException", "message": "You are not authorized to make this call."}
        ]
    }
    refused = rejection(400, "MalformedHttpRequestException", "the body is not JSON")
    assert refused.status == 400 and refused.header("content-type") == "application/json"
    assert json.loads(refused.body)["errors"][0]["errorType"] == "MalformedHttpRequestException"
