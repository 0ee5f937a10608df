"""AppSync's scalars validate as AppSync does; an AppSync schema builds with its directives undeclared."""

import pytest

from fogbank.cloud.appsync.events import RequestContext
from fogbank.cloud.appsync.execution import GraphqlExecutor, GraphqlRequest
from fogbank.cloud.appsync.model import GraphqlApiModel
from fogbank.cloud.appsync.schema import build_appsync_schema

SCHEMA = """
type Query {
  check(d: AWSDate, t: AWSTime, ts: AWSTimestamp, j: AWSJSON, e: AWSEmail, u: AWSURL, p: AWSPhone, ip: AWSIPAddress): AWSJSON
    @aws_api_key
}
"""


class EchoArguments:
    """Stands in for Lambda: answers the arguments it received (so the test sees the parsed values)."""

    def invoke(self, function: str, payload: bytes):
        import json

        from fogbank.cloud.lambda_.api import InvokeResult

        return InvokeResult(200, json.dumps(json.loads(payload)["arguments"]).encode())


def _check(arguments: str) -> dict:
    from fogbank.cloud.appsync.model import DataSourceModel, ResolverModel

    api = GraphqlApiModel(
        "a", "n", "us-east-1", "123456789012", ("API_KEY",), schema=build_appsync_schema(SCHEMA)
    )
    api.data_sources["fn"] = DataSourceModel("fn", "AWS_LAMBDA", "arn:fn")
    api.resolvers[("Query", "check")] = ResolverModel("Query", "check", "UNIT", data_source="fn")
    request = GraphqlRequest(f"{{ check({arguments}) }}")
    return GraphqlExecutor(api, EchoArguments()).execute(request, "API_KEY", RequestContext(None, {}))


def test_valid_scalars_reach_the_resolver_parsed():
    # GIVEN one valid value of each scalar
    arguments = (
        'd: "2026-11-29", t: "10:15:30.123Z", ts: 1764412800, j: "{\\"a\\": [1]}", e: "a@b.co", '
        'u: "https://example.com/x", p: "+1 555-0100", ip: "10.0.0.1/8"'
    )

    # WHEN they are passed as literals
    body = _check(arguments)

    # THEN the resolver got them, AWSJSON parsed, and the AWSJSON answer is a JSON string
    assert "errors" not in body, body
    assert '"j":{"a":[1]}' in body["data"]["check"]
    assert '"ts":1764412800' in body["data"]["check"]


@pytest.mark.parametrize(
    ("argument", "scalar"),
    [
        ('d: "29/11/2026"', "AWSDate"),
        ('t: "25 o\'clock"', "AWSTime"),
        ('j: "{not json"', "AWSJSON"),
        ('e: "nobody"', "AWSEmail"),
        ('u: "example.com"', "AWSURL"),
        ('p: "call me"', "AWSPhone"),
        ('ip: "300.1.1.1"', "AWSIPAddress"),
        ('ts: "soon"', "AWSTimestamp"),
    ],
)
def test_invalid_scalars_are_validation_errors(argument: str, scalar: str):
    # GIVEN an invalid literal / WHEN the query runs
    body = _check(argument)

    # THEN validation refuses it, naming the scalar, and nothing resolved
    assert body["data"] is None
    assert scalar in body["errors"][0]["message"]
