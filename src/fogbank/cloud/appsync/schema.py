"""Build an AppSync schema (SDL) into an executable graphql-core schema, with AppSync's scalars and directives.

Example:
    >>> schema = build_appsync_schema("type Query { now: AWSDateTime @aws_api_key }")
    >>> schema.query_type.fields["now"].type.name
    'AWSDateTime'
"""

from __future__ import annotations

from graphql import GraphQLError, GraphQLSchema, build_ast_schema, parse
from graphql.language import DocumentNode, Source

from fogbank.cloud.appsync.scalars import PRELUDE, install_scalars

__all__ = ["SchemaInvalid", "build_appsync_schema"]

_PRELUDE_LINES = PRELUDE.count("\n")


class SchemaInvalid(ValueError):
    """The SDL does not parse or does not validate; the message names the line, as AppSync's schema errors do."""


def build_appsync_schema(sdl: str) -> GraphQLSchema:
    """The executable schema of `sdl`; raises SchemaInvalid naming the first problem and its line."""
    try:
        document: DocumentNode = parse(Source(PRELUDE + sdl, "schema.graphql"))
        schema = build_ast_schema(document)
    except GraphQLError as exc:
        where = ""
        if exc.locations:
            line = exc.locations[0].line - _PRELUDE_LINES
            where = f" (line {line}, column {exc.locations[0].column})"
        raise SchemaInvalid(f"{exc.message}{where}") from None
    except TypeError as exc:  # graphql-core reports some invalid definitions this way
        raise SchemaInvalid(str(exc)) from None
    if schema.query_type is None:
        raise SchemaInvalid("the schema has no Query type; AppSync requires one")
    install_scalars(schema)
    return schema
