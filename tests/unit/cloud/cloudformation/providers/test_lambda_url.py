"""Function URLs deployed by the in-process engine: Lambda's URL configuration and the door's own URL."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ...conftest import Clients, lambda_role
from ..conftest import body, delete, deploy


def _template(role: str, **url: Any) -> str:
    function = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "FunctionName": "orders",
            "Runtime": "python3.11",
            "Handler": "index.handler",
            "Role": role,
            "Code": {"ZipFile": "def handler(e, c): return e"},
        },
    }
    return body(
        {
            "Fn": function,
            "Url": {
                "Type": "AWS::Lambda::Url",
                "Properties": {"TargetFunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]}, **url},
            },
        },
        Outputs={"Url": {"Value": {"Fn::GetAtt": ["Url", "FunctionUrl"]}}},
    )


def test_a_url_with_cors_is_configured_in_lambda_and_removed_with_the_stack(
    with_doors: tuple[Any, Any], aws: Clients
) -> None:
    cfn, _ = with_doors
    # WHEN a function with an IAM URL whose CORS values come as CloudFormation strings is deployed
    cors = {
        "AllowOrigins": ["https://shop.example"],
        "AllowMethods": ["GET"],
        "AllowCredentials": "true",
        "MaxAge": "300",
    }
    url = deploy(cfn, "s", _template(lambda_role(aws), AuthType="AWS_IAM", Cors=cors))["Url"]

    # THEN GetAtt FunctionUrl is the function URL's AWS form, and Lambda holds the typed configuration
    assert re.fullmatch(r"https://[a-z0-9]+\.lambda-url\.us-east-1\.on\.aws/", url)
    config = aws("lambda").get_function_url_config(FunctionName="orders")
    assert config["AuthType"] == "AWS_IAM"
    assert (config["Cors"]["AllowCredentials"], config["Cors"]["MaxAge"]) == (True, 300)

    # WHEN the stack is deleted THEN the function and its URL are gone
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert aws("lambda").list_functions()["Functions"] == []


@pytest.mark.parametrize(
    ("url", "words"), [({"AuthType": "NONE", "InvokeMode": "RESPONSE_STREAM"}, "response streaming")]
)
def test_what_function_urls_cannot_do_here_fails_the_resource(
    with_doors: tuple[Any, Any], aws: Clients, url: dict[str, str], words: str
) -> None:
    cfn, _ = with_doors
    with pytest.raises(AssertionError, match=words):
        deploy(cfn, "s", _template(lambda_role(aws), **url))
