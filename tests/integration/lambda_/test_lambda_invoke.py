"""Invoke through boto3 on a LocalCloud: results, environment, updates, deletes, layers."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import invoke_json, zip_code

from fogbank.cloud import LocalCloud

ECHO = {
    "app.py": """
        import os

        def handler(event, context):
            print("got", event)
            return {"event": event, "request_id": context.aws_request_id, "function": context.function_name}
    """
}


def test_invoke_returns_the_handler_result(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a python function that echoes its event
    name = make_function(ECHO)

    # WHEN it is invoked with a JSON payload
    response, body = invoke_json(lambda_client, name, {"hello": "world"})

    # THEN the handler's return value comes back, with Lambda's headers
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    assert body["event"] == {"hello": "world"}
    assert body["function"] == name
    assert body["request_id"] == response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
