"""AppSync schemas: SDL built with AppSync's scalars and directives; invalid SDL named by its line."""

from __future__ import annotations

import pytest

from fogbank.cloud.appsync.schema import SchemaInvalid, build_appsync_schema


def test_invalid_schema_names_the_line():
    # GIVEN an SDL with an unknown type on its second line / WHEN it is built / THEN the error names the line
    with pytest.raises(SchemaInvalid, match=r"Unknown type 'Nope'.*line 2"):
        build_appsync_schema("type Query {\n  a: Nope\n}")


def test_appsyncs_scalars_and_auth_directives_need_no_declaration() -> None:
    # WHEN an SDL uses AWSDateTime and @aws_iam without declaring them
    schema = build_appsync_schema("type Query { now: AWSDateTime @aws_iam  id: ID! }")
    # THEN the schema is executable with AppSync's scalar type
    assert schema.query_type is not None
    assert schema.query_type.fields["now"].type.name == "AWSDateTime"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("sdl", "words"),
    [
        ("type Mutation { a: Int }", "no Query type"),
        ("type Query { a: Int", "line 1"),
        ("type Query { a: Int }\ntype Query { b: Int }", "only one type named 'Query'"),
    ],
)
def test_schemas_appsync_refuses(sdl: str, words: str) -> None:
    # WHEN AppSync would refuse the schema THEN SchemaInvalid says why and where
    with pytest.raises(SchemaInvalid, match=words):
        build_appsync_schema(sdl)
