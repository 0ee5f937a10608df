"""A function sees its code, its layers and Lambda's runtime (boto3) — not fogbank's virtualenv."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lambda_support import invoke_json
from layer_support import layer_zip

USES_BOTO3 = {"app.py": "import boto3\n\ndef handler(event, context):\n    return boto3.__version__\n"}
USES_POWERTOOLS = {
    "app.py": "import aws_lambda_powertools\n\ndef handler(event, context):\n    return 'imported'\n"
}


def test_boto3_comes_with_the_runtime(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a handler that imports boto3 and ships no layer
    name = make_function(USES_BOTO3)
    # WHEN invoked
    response, body = invoke_json(lambda_client, name)
    # THEN boto3 is there, as in Lambda's Python runtime
    assert "FunctionError" not in response, body
    assert isinstance(body, str) and body[0].isdigit()


def test_a_library_missing_from_the_layers_is_an_import_error(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a handler importing a library that is installed next to fogbank but not shipped with the function
    name = make_function(USES_POWERTOOLS)
    # WHEN invoked
    response, body = invoke_json(lambda_client, name)
    # THEN it fails as it would on AWS
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert "aws_lambda_powertools" in body["errorMessage"]


def test_the_same_library_in_a_layer_imports(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN the library published as a layer and attached to the function
    layer = lambda_client.publish_layer_version(
        LayerName="powertools", Content={"ZipFile": layer_zip("aws-lambda-powertools")}
    )["LayerVersionArn"]
    name = make_function(USES_POWERTOOLS, Layers=[layer])
    # WHEN invoked
    response, body = invoke_json(lambda_client, name)
    # THEN it imports from /opt/python
    assert "FunctionError" not in response, body
    assert body == "imported"
