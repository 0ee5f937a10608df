"""The event a direct Lambda resolver receives: selection sets as AppSync lists and prints them."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    graphql_sync,
    parse,
)
from graphql.language import FragmentDefinitionNode

from fogbank.cloud.appsync.events import (
    RequestContext,
    direct_lambda_event,
    parse_selection,
    selection_set_list,
)


def test_nested_fields_become_slash_paths_and_introspection_is_left_out() -> None:
    # WHEN a nested selection with __typename is listed
    listed = selection_set_list(parse_selection("{ id __typename author { name posts { title } } }"))
    # THEN every field below is a /-path, in order, without introspection fields
    assert listed == ["id", "author", "author/name", "author/posts", "author/posts/title"]


def test_fragments_and_inline_fragments_are_expanded_once() -> None:
    # GIVEN a selection with a named fragment, an inline fragment and a repeated field
    document = parse("query { id ...F ... on Book { title id } } fragment F on Book { title isbn }")
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    selection = document.definitions[0].selection_set  # type: ignore[attr-defined]
    # WHEN listed THEN each field appears once, fragments expanded in place
    assert selection_set_list(selection, fragments) == ["id", "title", "isbn"]


def test_the_event_of_a_field_has_appsyncs_keys() -> None:
    # GIVEN a schema whose `book` resolver records the event it would send to Lambda
    seen: list[dict[str, Any]] = []
    request = RequestContext(identity=None, headers={"x-api-key": "k"}, domain_name="d", variables={"v": 1})

    def resolve(source: Any, info: Any, **arguments: Any) -> dict[str, str]:
        seen.append(direct_lambda_event(info, arguments, source, request, stash={"s": 1}))
        return {"title": "t", "isbn": "i"}

    book = GraphQLObjectType(
        "Book", {"title": GraphQLField(GraphQLString), "isbn": GraphQLField(GraphQLString)}
    )
    query = GraphQLObjectType(
        "Query", {"book": GraphQLField(book, args={"id": GraphQLArgument(GraphQLString)}, resolve=resolve)}
    )

    # WHEN a query with an argument and a fragment runs
    result = graphql_sync(
        GraphQLSchema(query), 'query { book(id: "7") { title ...More } } fragment More on Book { isbn }'
    )

    # THEN the event holds the arguments, caller, request, info and stash as AppSync builds them
    assert result.errors is None
    (event,) = seen
    assert event["arguments"] == {"id": "7"} and event["identity"] is None and event["source"] is None
    assert event["request"] == {"headers": {"x-api-key": "k"}, "domainName": "d"}
    assert event["prev"] is None and event["stash"] == {"s": 1}
    info = event["info"]
    assert (info["parentTypeName"], info["fieldName"], info["variables"]) == ("Query", "book", {"v": 1})
    assert info["selectionSetList"] == ["title", "isbn"]
    # AND selectionSetGraphQL is the selection followed by the fragment it spreads
    assert info["selectionSetGraphQL"] == "{\n  title\n  ...More\n}\n\nfragment More on Book {\n  isbn\n}"
