"""Lambda functions, layers and permissions deployed by the in-process engine into moto's Lambda state.

Only the definitions are checked here (what CreateFunction and friends store); running the code needs
worker processes (tests/integration/lambda_).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ...conftest import Clients, lambda_role, zip_of
from ..conftest import body, delete, deploy


def _function(role: str, **properties: Any) -> dict[str, Any]:
    defaults = {
        "Runtime": "python3.11",
        "Handler": "index.handler",
        "Role": role,
        "Code": {"ZipFile": "def handler(e, c):\n    return e\n"},
    }
    return {"Type": "AWS::Lambda::Function", "Properties": {**defaults, **properties}}


def test_a_function_from_inline_code_with_its_configuration_updated_in_place(cfn: Any, aws: Clients) -> None:
    role = lambda_role(aws)
    # WHEN a function with inline code, environment, memory and reserved concurrency is deployed
    template = body(
        {
            "Fn": _function(
                role,
                FunctionName="orders",
                MemorySize="256",
                Timeout=10,
                Environment={"Variables": {"TABLE": "t"}},
                ReservedConcurrentExecutions=2,
            )
        },
        Outputs={"Name": {"Value": {"Ref": "Fn"}}, "Arn": {"Value": {"Fn::GetAtt": ["Fn", "Arn"]}}},
    )
    outputs = deploy(cfn, "s", template)
    client = aws("lambda")

    # THEN Lambda has it, the inline source as index.py in its zip, numbers as numbers
    function = client.get_function(FunctionName="orders")
    config = function["Configuration"]
    assert outputs == {"Name": "orders", "Arn": config["FunctionArn"]}
    assert (config["MemorySize"], config["Timeout"], config["Environment"]["Variables"]) == (
        256,
        10,
        {"TABLE": "t"},
    )
    assert function["Concurrency"]["ReservedConcurrentExecutions"] == 2

    # WHEN the environment is removed and the concurrency too
    deploy(
        cfn,
        "s",
        body({"Fn": _function(role, FunctionName="orders", MemorySize="256", Timeout=10)}),
        update=True,
    )
    # THEN the same function goes back to Lambda's defaults for them
    updated = client.get_function(FunctionName="orders")
    assert updated["Configuration"].get("Environment", {}).get("Variables", {}) == {}
    assert "Concurrency" not in updated or not updated["Concurrency"].get("ReservedConcurrentExecutions")
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert client.list_functions()["Functions"] == []


def test_a_layer_from_s3_and_a_permission(cfn: Any, aws: Clients) -> None:
    # GIVEN a layer archive in S3
    aws("s3").create_bucket(Bucket="assets")
    aws("s3").put_object(Bucket="assets", Key="layer.zip", Body=zip_of({"python/lib.py": "X = 1"}))
    template = body(
        {
            "Layer": {
                "Type": "AWS::Lambda::LayerVersion",
                "Properties": {
                    "LayerName": "deps",
                    "Content": {"S3Bucket": "assets", "S3Key": "layer.zip"},
                    "CompatibleRuntimes": ["python3.11"],
                },
            },
            "Fn": _function(lambda_role(aws), FunctionName="with-layer", Layers=[{"Ref": "Layer"}]),
            "Allow": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Ref": "Fn"},
                    "Principal": "s3.amazonaws.com",
                },
            },
        },
        Outputs={"Layer": {"Value": {"Ref": "Layer"}}},
    )
    # WHEN it is deployed
    layer_arn = deploy(cfn, "s", template)["Layer"]
    client = aws("lambda")
    # THEN the function uses the layer version, and its policy lets S3 invoke it
    assert layer_arn.endswith(":layer:deps:1")
    assert [
        layer["Arn"] for layer in client.get_function(FunctionName="with-layer")["Configuration"]["Layers"]
    ] == [layer_arn]
    (statement,) = json.loads(client.get_policy(FunctionName="with-layer")["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}


@pytest.mark.parametrize(
    ("properties", "words"),
    [
        (
            {"DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"}},
            "unsupported property DeadLetterConfig",
        ),
        ({"Code": {"ImageUri": "x"}}, "unsupported Code property ['ImageUri']"),
    ],
)
def test_what_the_local_cloud_cannot_honour_fails_the_resource_saying_so(
    cfn: Any, aws: Clients, properties: dict[str, Any], words: str
) -> None:
    # WHEN a function uses something the local cloud would silently ignore THEN the resource fails naming it
    with pytest.raises(AssertionError) as raised:
        deploy(cfn, "s", body({"Fn": _function(lambda_role(aws), **properties)}))
    assert words in str(raised.value)
