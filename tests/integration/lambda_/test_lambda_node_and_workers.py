"""Node.js functions, parallel workers, and no process left behind after stop."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from lambda_support import invoke_json

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")

NODE_HANDLERS = {
    "index.js": """
        exports.handler = async (event, context) => {
          console.log("node got", JSON.stringify(event));
          if (event.fail) throw new TypeError("node says no");
          return { sum: event.a + event.b, fn: context.functionName, left: context.getRemainingTimeInMillis() > 0,
                   trace: process.env._X_AMZN_TRACE_ID || null, region: process.env.AWS_REGION };
        };
    """,
    "callback.js": """
        exports.handler = (event, context, callback) => {
          setTimeout(() => callback(null, { called: "back", id: context.awsRequestId }), 10);
        };
    """,
}


@needs_node
def test_node_async_handler(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN an async Node.js handler
    name = make_function(NODE_HANDLERS, handler="index.handler", Runtime="nodejs20.x")

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name, {"a": 2, "b": 3})

    # THEN its result comes back with Lambda's context and environment
    assert "FunctionError" not in response, body
    assert body["sum"] == 5
    assert body["fn"] == name
    assert body["left"] is True
    assert body["trace"].startswith("Root=1-")
    assert body["region"]


@needs_node
def test_node_callback_handler_and_error(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN callback-style and throwing Node.js handlers
    callback = make_function(NODE_HANDLERS, handler="callback.handler", Runtime="nodejs20.x")
    failing = make_function(NODE_HANDLERS, handler="index.handler", Runtime="nodejs20.x")

    # WHEN they are invoked
    ok, ok_body = invoke_json(lambda_client, callback)
    bad, bad_body = invoke_json(lambda_client, failing, {"fail": True})

    # THEN the callback's value comes back, and the error has Node's shape
    assert ok_body["called"] == "back"
    assert ok_body["id"] == ok["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert bad["FunctionError"] == "Unhandled"
    assert bad_body["errorType"] == "TypeError"
    assert bad_body["errorMessage"] == "node says no"


@needs_node
def test_node_missing_module(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a Node.js handler pointing at a file that is not there
    name = make_function(NODE_HANDLERS, handler="missing.handler", Runtime="nodejs20.x")

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN the error is Runtime.ImportModuleError
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"


def test_parallel_invocations_run_on_separate_workers(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a handler that takes 0.5 s and reports its process
    name = make_function(
        {"app.py": "import os, time\ndef handler(e, c):\n    time.sleep(0.5)\n    return os.getpid()\n"}
    )

    # WHEN 8 invocations run at once
    with ThreadPoolExecutor(8) as pool:
        pids = list(pool.map(lambda _: invoke_json(lambda_client, name)[1], range(8)))

    # THEN each ran in its own execution environment (a pool of 8 workers), none throttled
    assert len(set(pids)) == 8
