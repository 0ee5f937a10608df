"""A REST API's methods read back as the door's model: Lambda URIs, MOCK answers, and the resource tree."""

from __future__ import annotations

import pytest

from fogbank.cloud.cloudformation.providers.apigateway_tree import function_of_uri, mock_answer, snapshot
from fogbank.errors import DeployError

from ...conftest import ACCOUNT, Clients

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"


def test_the_function_of_a_lambda_proxy_uri() -> None:
    # WHEN an AWS_PROXY integration URI is read THEN its function ARN (with an alias) comes out
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}:live/invocations"
    assert function_of_uri(uri) == f"{FUNCTION}:live"
    # AND a URI that is not a Lambda invocation is refused, naming the method
    with pytest.raises(DeployError, match="GET /items"):
        function_of_uri("https://example.com/backend", "GET /items")


def test_a_mock_integration_answers_the_response_its_template_selects() -> None:
    # GIVEN a MOCK integration whose request template says 404, with a default and a 4xx response
    responses = [
        {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}},
        {
            "statusCode": "404",
            "selectionPattern": "4\\d\\d",
            "responseTemplates": {"application/json": '{"missing": true}'},
            "responseParameters": {"method.response.header.X-Reason": "'gone'"},
        },
    ]
    # WHEN it answers THEN the selected response's status, static body and literal headers come back
    assert mock_answer({"application/json": '{"statusCode": 404}'}, responses, "M") == (
        404,
        '{"missing": true}',
        (("X-Reason", "gone"),),
    )
    assert mock_answer({"application/json": "{ statusCode: 200 }"}, responses, "M") == (
        200,
        '{"ok": true}',
        (),
    )
    assert mock_answer({}, [], "M") == (200, "", ())


@pytest.mark.parametrize(
    ("response", "words"),
    [
        ({"statusCode": "200", "responseTemplates": {"application/json": "$input.json('$')"}}, "uses VTL"),
        (
            {
                "statusCode": "200",
                "responseParameters": {"method.response.header.X": "integration.response.body.x"},
            },
            "not a quoted literal header",
        ),
    ],
)
def test_what_a_mock_cannot_serve_here_is_refused_naming_the_method(response: dict, words: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(DeployError, match=words) as raised:
        mock_answer({"application/json": "{}"}, [response], "GET /health of REST API abc")
    assert "GET /health of REST API abc" in str(raised.value)


def test_the_snapshot_reads_every_resource_and_method_from_api_gateway(aws: Clients) -> None:
    # GIVEN an API in moto's state with a proxy method on /items and a MOCK method on /health
    client = aws("apigateway")
    api = client.create_rest_api(name="shop")["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    items = client.create_resource(restApiId=api, parentId=root, pathPart="items")["id"]
    health = client.create_resource(restApiId=api, parentId=root, pathPart="health")["id"]
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"
    client.put_method(
        restApiId=api, resourceId=items, httpMethod="GET", authorizationType="NONE", apiKeyRequired=True
    )
    client.put_integration(
        restApiId=api,
        resourceId=items,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=uri,
    )
    client.put_method(restApiId=api, resourceId=health, httpMethod="GET", authorizationType="NONE")
    client.put_integration(
        restApiId=api,
        resourceId=health,
        httpMethod="GET",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    client.put_integration_response(
        restApiId=api,
        resourceId=health,
        httpMethod="GET",
        statusCode="200",
        responseTemplates={"application/json": "ok"},
    )

    # WHEN it is snapshotted
    tree = {resource.path: resource for resource in snapshot(client, api)}

    # THEN each resource has its methods as the door serves them
    assert set(tree) == {"/", "/items", "/health"}
    proxy = tree["/items"].methods["GET"]
    assert (proxy.integration, proxy.function_arn, proxy.api_key_required) == ("AWS_PROXY", FUNCTION, True)
    mock = tree["/health"].methods["GET"]
    assert (mock.integration, mock.mock_status, mock.mock_body) == ("MOCK", 200, "ok")
