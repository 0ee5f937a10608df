"""A GraphQL API deployed by CloudFormation on a LocalCloud, called at its AWS URL from the test process and
from a Lambda worker. Nothing is mocked: the resolvers are real functions in Lambda workers.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from botocore.exceptions import WaiterError

from fogbank.auth import build_iam_auth
from fogbank.cloud import LocalCloud

RESOLVER = """
import json
def handler(event, context):
    if isinstance(event, list):  # BatchInvoke
        return [{"name": "writer of " + e["source"]["id"]} for e in event]
    field = event["info"]["fieldName"]
    if field == "echo":
        return json.dumps({k: event[k] for k in ("arguments", "identity", "source", "info")})
    if field == "posts":
        return [{"id": "1"}, {"id": "2"}, {"id": "3"}]
    if field == "fail":
        raise RuntimeError("resolver failed on purpose")
    if field == "double":
        prev = event["prev"]["result"]
        return prev * 2 if isinstance(prev, int) else event["arguments"]["n"]
    return None
"""
CALLER = """
import json, os, urllib.request
def handler(event, context):
    request = urllib.request.Request(os.environ["URL"], data=json.dumps({"query": "{ posts { id } }"}).encode(),
                                     headers={"x-api-key": os.environ["KEY"], "content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())
"""
SCHEMA = """
type Query { echo(text: String, when: AWSDateTime): AWSJSON  posts: [Post]  fail: String  double(n: Int): Int @aws_iam }
type Post { id: ID! author: Author }
type Author { name: String }
"""
ROLE = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    },
}


def _function(code: str, environment: dict[str, Any] | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Runtime": "python3.11",
        "Handler": "index.handler",
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Code": {"ZipFile": code},
        "Timeout": 20,
    }
    if environment:
        properties["Environment"] = {"Variables": environment}
    return {"Type": "AWS::Lambda::Function", "Properties": properties}


def _api_resource(kind: str, **properties: Any) -> dict[str, Any]:
    return {
        "Type": f"AWS::AppSync::{kind}",
        "Properties": {"ApiId": {"Fn::GetAtt": ["Api", "ApiId"]}, **properties},
    }


TEMPLATE = {
    "Resources": {
        "Role": ROLE,
        "Resolver": _function(RESOLVER),
        "Api": {
            "Type": "AWS::AppSync::GraphQLApi",
            "Properties": {
                "Name": "integration",
                "AuthenticationType": "API_KEY",
                "AdditionalAuthenticationProviders": [{"AuthenticationType": "AWS_IAM"}],
            },
        },
        "Schema": _api_resource("GraphQLSchema", Definition=SCHEMA),
        "Key": _api_resource("ApiKey", Expires=int(time.time()) + 3 * 24 * 3600),
        "Source": _api_resource(
            "DataSource",
            Name="fn",
            Type="AWS_LAMBDA",
            LambdaConfig={"LambdaFunctionArn": {"Fn::GetAtt": ["Resolver", "Arn"]}},
        ),
        "Nothing": _api_resource("DataSource", Name="nothing", Type="NONE"),
        "Echo": {
            **_api_resource("Resolver", TypeName="Query", FieldName="echo", DataSourceName="fn"),
            "DependsOn": ["Schema", "Source"],
        },
        "Posts": {
            **_api_resource("Resolver", TypeName="Query", FieldName="posts", DataSourceName="fn"),
            "DependsOn": ["Schema", "Source"],
        },
        "Fail": {
            **_api_resource("Resolver", TypeName="Query", FieldName="fail", DataSourceName="fn"),
            "DependsOn": ["Schema", "Source"],
        },
        "Author": {
            **_api_resource(
                "Resolver", TypeName="Post", FieldName="author", DataSourceName="fn", MaxBatchSize=2
            ),
            "DependsOn": ["Schema", "Source"],
        },
        "Step": {
            **_api_resource(
                "FunctionConfiguration", Name="step", DataSourceName="fn", FunctionVersion="2018-05-29"
            ),
            "DependsOn": ["Source"],
        },
        "Double": {
            **_api_resource(
                "Resolver",
                TypeName="Query",
                FieldName="double",
                Kind="PIPELINE",
                PipelineConfig={
                    "Functions": [
                        {"Fn::GetAtt": ["Step", "FunctionId"]},
                        {"Fn::GetAtt": ["Step", "FunctionId"]},
                    ]
                },
                Runtime={"Name": "APPSYNC_JS", "RuntimeVersion": "1.0.0"},
                Code="export function request(ctx) { return {}; }\nexport function response(ctx) { return ctx.prev.result; }",
            ),
            "DependsOn": ["Schema"],
        },
        "Caller": _function(
            CALLER, {"URL": {"Fn::GetAtt": ["Api", "GraphQLUrl"]}, "KEY": {"Fn::GetAtt": ["Key", "ApiKey"]}}
        ),
    },
    "Outputs": {
        "Url": {"Value": {"Fn::GetAtt": ["Api", "GraphQLUrl"]}},
        "ApiKey": {"Value": {"Fn::GetAtt": ["Key", "ApiKey"]}},
        "ApiId": {"Value": {"Fn::GetAtt": ["Api", "ApiId"]}},
        "Arn": {"Value": {"Fn::GetAtt": ["Api", "Arn"]}},
        "Caller": {"Value": {"Ref": "Caller"}},
    },
}


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


@pytest.fixture(scope="module")
def outputs(cloud: LocalCloud) -> Iterator[dict[str, str]]:
    cfn = cloud.client("cloudformation")
    cfn.create_stack(StackName="appsync", TemplateBody=json.dumps(TEMPLATE), Capabilities=["CAPABILITY_IAM"])
    with contextlib.suppress(WaiterError):
        cfn.get_waiter("stack_create_complete").wait(
            StackName="appsync", WaiterConfig={"Delay": 0.2, "MaxAttempts": 600}
        )
    stack = cfn.describe_stacks(StackName="appsync")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    yield {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def _post(outputs: dict[str, str], query: str, **headers: str) -> requests.Response:
    return requests.post(
        outputs["Url"], json={"query": query}, headers={"x-api-key": outputs["ApiKey"], **headers}, timeout=30
    )


def test_outputs_are_appsyncs(outputs: dict[str, str]):
    # GIVEN the deployed stack / WHEN its outputs are read / THEN they have AWS's forms
    assert outputs["Url"] == f"https://{outputs['ApiId']}.appsync-api.us-east-1.amazonaws.com/graphql"
    assert outputs["Arn"] == f"arn:aws:appsync:us-east-1:123456789012:apis/{outputs['ApiId']}"


def test_direct_lambda_event_and_batch_from_the_test_process(outputs: dict[str, str]):
    # GIVEN the GraphQL URL from the outputs

    # WHEN the test process queries it with the API key
    echo = _post(outputs, '{ echo(text: "hi", when: "2026-11-29T10:00:00Z") }').json()
    posts = _post(outputs, "{ posts { id author { name } } }").json()

    # THEN the resolver saw AppSync's event, and BatchInvoke answered every post
    event = json.loads(echo["data"]["echo"])
    assert event["arguments"] == {"text": "hi", "when": "2026-11-29T10:00:00Z"}
    assert event["identity"] is None and event["source"] is None
    assert event["info"]["fieldName"] == "echo" and event["info"]["parentTypeName"] == "Query"
    assert posts == {"data": {"posts": [{"id": i, "author": {"name": f"writer of {i}"}} for i in "123"]}}


def test_function_errors_and_auth(outputs: dict[str, str]):
    # GIVEN a resolver that raises, a pipeline allowed to IAM only, and a wrong key

    # WHEN they are called
    failed = _post(outputs, "{ fail posts { id } }").json()
    by_key = _post(outputs, "{ double(n: 4) }").json()
    wrong_key = requests.post(
        outputs["Url"], json={"query": "{ fail }"}, headers={"x-api-key": "nope"}, timeout=30
    )

    # THEN AppSync's shapes: Lambda:Unhandled with partial data, Unauthorized for the field, 401 for the key
    assert failed["data"]["fail"] is None and len(failed["data"]["posts"]) == 3
    assert (failed["errors"][0]["errorType"], failed["errors"][0]["message"]) == (
        "Lambda:Unhandled",
        "resolver failed on purpose",
    )
    assert by_key["errors"][0]["errorType"] == "Unauthorized"
    assert (
        wrong_key.status_code == 401 and wrong_key.json()["errors"][0]["errorType"] == "UnauthorizedException"
    )


def test_iam_signed_pipeline(cloud: LocalCloud, outputs: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    # GIVEN a SigV4-signed request (service appsync) with the cloud's credentials
    for name, value in cloud.env().items():
        monkeypatch.setenv(name, value)
    auth = build_iam_auth(url=outputs["Url"], aws_service="appsync")

    # WHEN the IAM-only pipeline field is asked for
    answer = requests.post(outputs["Url"], json={"query": "{ double(n: 4) }"}, auth=auth, timeout=30).json()

    # THEN both functions ran, the second on the first one's result
    assert answer == {"data": {"double": 8}}


def test_reachable_from_a_lambda_worker(cloud: LocalCloud, outputs: dict[str, str]):
    # GIVEN a function that calls the GraphQL URL with urllib

    # WHEN it is invoked
    answer = cloud.client("lambda").invoke(FunctionName=outputs["Caller"])

    # THEN it got the API's answer
    assert json.loads(answer["Payload"].read()) == {
        "data": {"posts": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}
    }


@pytest.mark.parametrize(
    ("resources", "message"),
    [
        (
            {
                "Api": {
                    "Type": "AWS::AppSync::GraphQLApi",
                    "Properties": {"Name": "c", "AuthenticationType": "AMAZON_COGNITO_USER_POOLS"},
                }
            },
            "AuthenticationType 'AMAZON_COGNITO_USER_POOLS' is not supported",
        ),
        (
            {
                "Api": TEMPLATE["Resources"]["Api"],
                "Schema": TEMPLATE["Resources"]["Schema"],
                "Nothing": TEMPLATE["Resources"]["Nothing"],
                "Vtl": {
                    **_api_resource(
                        "Resolver",
                        TypeName="Query",
                        FieldName="fail",
                        DataSourceName="nothing",
                        RequestMappingTemplate='{"version": "2018-05-29", "payload": {}}',
                    ),
                    "DependsOn": ["Schema", "Nothing"],
                },
            },
            "RequestMappingTemplate is not run by the local cloud",
        ),
        (
            {
                "Api": TEMPLATE["Resources"]["Api"],
                "Schema": _api_resource("GraphQLSchema", Definition="type Query {\n  a: Nope\n}"),
            },
            "Unknown type 'Nope'. (line 2",
        ),
    ],
)
def test_what_the_local_cloud_cannot_run_is_refused(
    cloud: LocalCloud, resources: dict[str, Any], message: str
):
    # GIVEN a stack the local cloud's AppSync cannot run as written
    name = f"refused-{abs(hash(message)) % 10000}"
    cfn = cloud.client("cloudformation")

    # WHEN it is created
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
    with contextlib.suppress(WaiterError):
        cfn.get_waiter("stack_create_complete").wait(
            StackName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600}
        )

    # THEN it rolls back, and the events name what is not supported
    reasons = " ".join(
        e.get("ResourceStatusReason", "") for e in cfn.describe_stack_events(StackName=name)["StackEvents"]
    )
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    assert message in reasons
