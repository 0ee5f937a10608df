"""Build an AppSync schema (SDL) into an executable graphql-core schema, with AppSync's scalars and directives.

Example:
    >>> schema = build_appsync_schema("type Query { now: AWSDateTime @aws_api_key }")
    >>> schema.query_type.fields["now"].type.name
    'AWSDateTime'
"""

from __future__ import annotations

from graphql import GraphQLError, GraphQLSchema, build_ast_schema, parse
from graphql.language import DocumentNode, Source
from graphql.validation.validate import validate_sdl

from fogbank.cloud.appsync.scalars import PRELUDE, install_scalars

__all__ = ["SchemaInvalid", "build_appsync_schema"]

_PRELUDE_LINES = PRELUDE.count("\n")


class SchemaInvalid(ValueError):
    """The SDL does not parse or does not validate; the message names the line, as AppSync's schema errors do."""


def build_appsync_schema(sdl: str) -> GraphQLSchema:
    """The executable schema of `sdl`; raises SchemaInvalid naming the first problem and its line."""
    try:
        document: DocumentNode = parse(Source(PRELUDE + sdl, "schema.graphql"))
        problems = validate_sdl(document)
        if problems:
            raise problems[0]
        schema = build_ast_schema(document, assume_valid_sdl=True)
    except GraphQLError as exc:
        raise SchemaInvalid(f"{exc.message}{_where(exc)}") from None
    except TypeError as exc:  # graphql-core reports some invalid definitions this way
        raise SchemaInvalid(str(exc)) from None
    if schema.query_type is None:
        raise SchemaInvalid("the schema has no Query type; AppSync requires one")
    install_scalars(schema)
    return schema


def _where(error: GraphQLError) -> str:
    if not error.locations:
        return ""
    location = error.locations[0]
    return f" (line {location.line - _PRELUDE_LINES}, column {location.column})"
