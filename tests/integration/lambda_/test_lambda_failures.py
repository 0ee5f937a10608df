"""Failures look like AWS's: handler errors, timeouts, import errors, exits, and API errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lambda_support import invoke_json


def test_unhandled_exception(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a handler that raises
    name = make_function({"app.py": "def handler(e, c):\n    raise ValueError('bad input')\n"})

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN FunctionError is Unhandled and the payload has message, type and stack trace
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert body["errorMessage"] == "bad input"
    assert body["errorType"] == "ValueError"
    assert any("app.py" in frame for frame in body["stackTrace"])


def test_timeout_kills_and_replaces_the_worker(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a 1 s function that sleeps when asked to
    name = make_function(
        {
            "app.py": "import os, time\ndef handler(e, c):\n    time.sleep(e.get('sleep', 0))\n    return os.getpid()\n"
        },
        Timeout=1,
    )
    _, first_pid = invoke_json(lambda_client, name)

    # WHEN an invocation runs past the timeout
    response, body = invoke_json(lambda_client, name, {"sleep": 5})

    # THEN it fails like Lambda's timeout, and the next invocation runs in a fresh worker
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]
    after, next_pid = invoke_json(lambda_client, name)
    assert "FunctionError" not in after
    assert next_pid != first_pid


def test_import_error(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a handler module that imports something missing
    name = make_function({"app.py": "import no_such_module\ndef handler(e, c):\n    return 1\n"})

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN the error is Runtime.ImportModuleError naming the module
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert "no_such_module" in body["errorMessage"]


def test_process_exit(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a handler that exits the process
    name = make_function({"app.py": "import os\ndef handler(e, c):\n    os._exit(3)\n"})

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN the error is Runtime.ExitError with the exit status, and the server keeps serving
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert "exit status 3" in body["errorMessage"]
    assert lambda_client.get_function(FunctionName=name)["Configuration"]["FunctionName"] == name


def test_missing_function(lambda_client: Any) -> None:
    # WHEN a function that does not exist is invoked
    with pytest.raises(ClientError) as raised:
        invoke_json(lambda_client, "does-not-exist")

    # THEN the answer is ResourceNotFoundException with the function's ARN
    error = raised.value.response["Error"]
    assert error["Code"] == "ResourceNotFoundException"
    assert "function:does-not-exist" in error["Message"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_payload_that_is_not_json(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a function
    name = make_function({"app.py": "def handler(e, c):\n    return 1\n"})

    # WHEN the payload is not JSON
    with pytest.raises(lambda_client.exceptions.InvalidRequestContentException) as raised:
        lambda_client.invoke(FunctionName=name, Payload=b"{not json")

    # THEN the error says the payload could not be parsed
    assert "Could not parse" in raised.value.response["Error"]["Message"]


def test_payload_over_six_megabytes(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a function
    name = make_function({"app.py": "def handler(e, c):\n    return 1\n"})

    # WHEN the payload is over 6 MB
    payload = json.dumps({"blob": "x" * (6 * 1024 * 1024)}).encode()
    with pytest.raises(ClientError) as raised:
        lambda_client.invoke(FunctionName=name, Payload=payload)

    # THEN the answer is 413 RequestEntityTooLargeException (the code AWS sends for Invoke)
    assert raised.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert "6291456 bytes" in raised.value.response["Error"]["Message"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413


def test_reserved_concurrency_zero_throttles(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a function whose reserved concurrency is 0
    name = make_function({"app.py": "def handler(e, c):\n    return 1\n"})
    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)

    # WHEN it is invoked
    with pytest.raises(lambda_client.exceptions.TooManyRequestsException) as raised:
        invoke_json(lambda_client, name)

    # THEN it is throttled with the reserved-concurrency reason
    assert raised.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_past_reserved_concurrency_throttles(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a 1 s function with reserved concurrency 2
    name = make_function({"app.py": "import time\ndef handler(e, c):\n    time.sleep(1)\n    return 1\n"})
    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)

    # WHEN 4 invocations run at once
    def call(_: int) -> str:
        try:
            invoke_json(lambda_client, name)
            return "ok"
        except lambda_client.exceptions.TooManyRequestsException:
            return "throttled"

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(call, range(4)))

    # THEN at most 2 run, the rest are throttled
    assert outcomes.count("ok") <= 2
    assert outcomes.count("throttled") >= 2
    assert "ok" in outcomes


def test_reserved_environment_keys_are_rejected(lambda_client: Any, role_arn: str) -> None:
    # WHEN a function sets a variable Lambda reserves
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException) as raised:
        lambda_client.create_function(
            FunctionName="reserved-keys",
            Runtime="python3.11",
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
            Environment={"Variables": {"AWS_REGION": "eu-west-1"}},
        )

    # THEN the error names the key
    assert "AWS_REGION" in raised.value.response["Error"]["Message"]


def test_unsupported_runtime_is_a_clear_error(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a function on a runtime the local cloud cannot run
    name = make_function({"App.java": "class App {}"}, handler="App::handle", Runtime="java21")

    # WHEN it is invoked
    with pytest.raises(ClientError) as raised:
        invoke_json(lambda_client, name)

    # THEN the error names the function and the runtime
    assert raised.value.response["Error"]["Code"] == "InvalidRuntimeException"
    assert name in raised.value.response["Error"]["Message"]
    assert "java21" in raised.value.response["Error"]["Message"]
