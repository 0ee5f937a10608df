"""GraphQL execution against an AppSync model: direct Lambda events, batching, pipelines, errors, field auth.

The Lambda side is a Python function behind the ResolverInvoker protocol (real workers run in
tests/integration/appsync); everything else (graphql-core, the event builder, error mapping) runs for real.
"""

import json
from collections.abc import Callable
from typing import Any

from fogbank.cloud.appsync.events import RequestContext
from fogbank.cloud.appsync.execution import GraphqlExecutor, GraphqlRequest
from fogbank.cloud.appsync.model import (
    DataSourceModel,
    FunctionModel,
    GraphqlApiModel,
    ResolverModel,
)
from fogbank.cloud.appsync.schema import build_appsync_schema
from fogbank.cloud.lambda_.api import InvokeResult

SCHEMA = """
type Query {
  hello(name: String): String
  posts: [Post]
  secret: String @aws_iam
  both: String @aws_api_key @aws_iam
}
type Post { id: ID! title: String author: Author when: AWSDateTime }
type Author { name: String }
type Mutation { add(a: Int, b: Int): Int }
"""


class FakeLambda:
    """Functions by ARN; records every payload it was invoked with."""

    def __init__(self, functions: dict[str, Callable[[Any], Any]]) -> None:
        self.functions = functions
        self.calls: list[tuple[str, Any]] = []

    def invoke(self, function: str, payload: bytes) -> InvokeResult:
        event = json.loads(payload)
        self.calls.append((function, event))
        try:
            answer = self.functions[function](event)
        except Exception as exc:
            body = {"errorMessage": str(exc), "errorType": type(exc).__name__}
            return InvokeResult(200, json.dumps(body).encode(), function_error="Unhandled")
        return InvokeResult(200, json.dumps(answer).encode())


def _api(**resolvers: ResolverModel) -> GraphqlApiModel:
    api = GraphqlApiModel("abc", "demo", "us-east-1", "123456789012", auth_modes=("API_KEY", "AWS_IAM"))
    api.schema = build_appsync_schema(SCHEMA)
    api.data_sources["fn"] = DataSourceModel("fn", "AWS_LAMBDA", "arn:fn")
    api.data_sources["other"] = DataSourceModel("other", "AWS_LAMBDA", "arn:other")
    for resolver in resolvers.values():
        api.resolvers[(resolver.type_name, resolver.field_name)] = resolver
    return api


def _run(api: GraphqlApiModel, fake: FakeLambda, query: str, mode: str = "API_KEY", **kwargs: Any) -> Any:
    context = RequestContext(None, {"x-api-key": "k", "user-agent": "test"})
    return GraphqlExecutor(api, fake).execute(GraphqlRequest(query, **kwargs), mode, context)


def test_direct_lambda_resolver_gets_appsyncs_event():
    # GIVEN Query.hello resolved directly by a Lambda data source
    api = _api(hello=ResolverModel("Query", "hello", "UNIT", data_source="fn"))
    fake = FakeLambda({"arn:fn": lambda event: f"hi {event['arguments']['name']}"})

    # WHEN a named operation with variables asks for it
    body = _run(
        api,
        fake,
        "query Greet($n: String) { hello(name: $n) }",
        variables={"n": "ann"},
        operation_name="Greet",
    )

    # THEN the answer is the function's result, and the event has AppSync's fields
    assert body == {"data": {"hello": "hi ann"}}
    event = fake.calls[0][1]
    assert event["arguments"] == {"name": "ann"}
    assert event["source"] is None and event["identity"] is None and event["prev"] is None
    assert event["request"]["headers"]["user-agent"] == "test"
    assert event["info"] == {
        "selectionSetList": [],
        "selectionSetGraphQL": "",
        "parentTypeName": "Query",
        "fieldName": "hello",
        "variables": {"n": "ann"},
    }


def test_selection_set_and_source_of_nested_fields():
    # GIVEN posts from one function and each post's author from another (source = the post)
    api = _api(
        posts=ResolverModel("Query", "posts", "UNIT", data_source="fn"),
        author=ResolverModel("Post", "author", "UNIT", data_source="other"),
    )
    posts = [{"id": "1", "title": "a"}, {"id": "2", "title": "b"}]
    fake = FakeLambda({"arn:fn": lambda e: posts, "arn:other": lambda e: {"name": f"w{e['source']['id']}"}})

    # WHEN the query uses a fragment
    body = _run(api, fake, "{ posts { ...P author { name } } } fragment P on Post { id title }")

    # THEN every author was resolved with its post as source, and the list shows the whole selection
    assert body == {
        "data": {
            "posts": [
                {"id": "1", "title": "a", "author": {"name": "w1"}},
                {"id": "2", "title": "b", "author": {"name": "w2"}},
            ]
        }
    }
    info = fake.calls[0][1]["info"]
    assert info["selectionSetList"] == ["id", "title", "author", "author/name"]
    assert "fragment P on Post" in info["selectionSetGraphQL"]
    assert sorted(call[1]["source"]["id"] for call in fake.calls[1:]) == ["1", "2"]


def test_batch_invoke_sends_one_list_per_max_batch_size():
    # GIVEN Post.author with MaxBatchSize 2 and three posts
    api = _api(
        posts=ResolverModel("Query", "posts", "UNIT", data_source="fn"),
        author=ResolverModel("Post", "author", "UNIT", data_source="other", max_batch_size=2),
    )
    posts = [{"id": str(i)} for i in range(3)]
    fake = FakeLambda(
        {"arn:fn": lambda e: posts, "arn:other": lambda events: [{"name": e["source"]["id"]} for e in events]}
    )

    # WHEN the authors are asked for
    body = _run(api, fake, "{ posts { author { name } } }")

    # THEN two BatchInvoke calls carried the three events, and each post got its own answer
    batches = [event for arn, event in fake.calls if arn == "arn:other"]
    assert sorted(len(batch) for batch in batches) == [1, 2]
    assert body["data"]["posts"] == [
        {"author": {"name": "0"}},
        {"author": {"name": "1"}},
        {"author": {"name": "2"}},
    ]


def test_function_error_is_lambda_unhandled_with_partial_data():
    # GIVEN one resolver that fails and one that works
    api = _api(
        hello=ResolverModel("Query", "hello", "UNIT", data_source="fn"),
        posts=ResolverModel("Query", "posts", "UNIT", data_source="other"),
    )

    def boom(event: Any) -> Any:
        raise ValueError("no greeting today")

    fake = FakeLambda({"arn:fn": boom, "arn:other": lambda e: [{"id": "1"}]})

    # WHEN both are asked for
    body = _run(api, fake, "{\n  hello\n  posts { id }\n}")

    # THEN the failed field is null with AppSync's error, and the other field's data stays
    assert body["data"] == {"hello": None, "posts": [{"id": "1"}]}
    assert body["errors"] == [
        {
            "path": ["hello"],
            "data": None,
            "errorType": "Lambda:Unhandled",
            "errorInfo": None,
            "locations": [{"line": 2, "column": 3, "sourceName": None}],
            "message": "no greeting today",
        }
    ]


def test_pipeline_runs_functions_in_order_with_prev_result():
    # GIVEN a pipeline of two direct Lambda functions
    api = _api(add=ResolverModel("Mutation", "add", "PIPELINE", functions=("f1", "f2")))
    api.functions["f1"] = FunctionModel("f1", "sum", "fn")
    api.functions["f2"] = FunctionModel("f2", "double", "other")
    fake = FakeLambda(
        {
            "arn:fn": lambda e: e["arguments"]["a"] + e["arguments"]["b"],
            "arn:other": lambda e: e["prev"]["result"] * 2,
        }
    )

    # WHEN the mutation runs
    body = _run(api, fake, "mutation { add(a: 2, b: 3) }")

    # THEN the second function saw the first one's result
    assert body == {"data": {"add": 10}}
    assert fake.calls[0][1]["prev"] == {"result": {}}


def test_field_auth_directives():
    # GIVEN a field only IAM may read and one both modes may read
    api = _api()
    fake = FakeLambda({})

    # WHEN an API-key caller asks for both, and an IAM caller asks for a field without directives
    by_key = _run(api, fake, "{ secret both }", "API_KEY")
    by_iam = _run(api, fake, "{ hello }", "AWS_IAM")

    # THEN only the allowed fields resolve; the others are null with AppSync's Unauthorized error
    assert by_key["data"] == {"secret": None, "both": None}
    assert [e["errorType"] for e in by_key["errors"]] == ["Unauthorized"]
    assert by_key["errors"][0]["message"] == "Not Authorized to access secret on type Query"
    assert by_iam["errors"][0]["message"] == "Not Authorized to access hello on type Query"


def test_scalar_validation_and_query_errors():
    # GIVEN a post whose date is not an AWSDateTime
    api = _api(posts=ResolverModel("Query", "posts", "UNIT", data_source="fn"))
    fake = FakeLambda({"arn:fn": lambda e: [{"id": "1", "when": "yesterday"}]})

    # WHEN it is asked for, and an unknown field is asked for
    body = _run(api, fake, "{ posts { when } }")
    invalid = _run(api, fake, "{ nope }")

    # THEN the date is an error naming the scalar, and the unknown field fails validation before any call
    assert body["data"] == {"posts": [{"when": None}]}
    assert "Invalid AWSDateTime 'yesterday'" in body["errors"][0]["message"]
    assert invalid["data"] is None and "nope" in invalid["errors"][0]["message"]
    assert len(fake.calls) == 1
