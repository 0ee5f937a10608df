"""Custom resources whose function fails: the resource fails at once with the function's own error.

Real LocalCloud, real worker processes; nothing is mocked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from fogbank.cloud.cloudformation.providers.custom import CUSTOM_RESOURCE_TIMEOUT_ENV

ASSUME_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
LONG_DEADLINE_S = 600

RAISING_PYTHON = """
def handler(event, context):
    raise ValueError("no thing for " + event["LogicalResourceId"])
"""

# Answers SUCCESS, then crashes: the response already sent must win over the error.
ANSWERS_THEN_RAISES_PYTHON = """
import json, urllib.request

def handler(event, context):
    body = json.dumps({"Status": "SUCCESS", "Reason": "ok", "PhysicalResourceId": "answered",
                       "StackId": event["StackId"], "RequestId": event["RequestId"],
                       "LogicalResourceId": event["LogicalResourceId"], "Data": {}}).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"content-type": "", "content-length": str(len(body))})
    urllib.request.urlopen(request).read()
    raise RuntimeError("crashed after answering")
"""

SILENT_PYTHON = """
def handler(event, context):
    return {"forgot": "to PUT the response"}
"""

UNLOADABLE_NODE = """
const missing = require("./does-not-exist");
exports.handler = async () => missing.run();
"""


def _template(code: dict[str, str], runtime: str) -> dict[str, Any]:
    return {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": ASSUME_LAMBDA}},
            "Handler": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": code,
                    "Handler": "index.handler",
                    "Runtime": runtime,
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                },
            },
            "Thing": {
                "Type": "Custom::Thing",
                "Properties": {"ServiceToken": {"Fn::GetAtt": ["Handler", "Arn"]}, "Name": "x"},
            },
        }
    }


def _thing_failure(stack_events: Callable[[str], list[tuple[str, str, str, str]]], name: str) -> str:
    (reason,) = [e[3] for e in stack_events(name) if e[0] == "Thing" and e[2] == "CREATE_FAILED"]
    return reason


def test_python_handler_that_raises_fails_the_resource_at_once(
    monkeypatch: pytest.MonkeyPatch,
    run_stack: Callable[..., dict[str, Any]],
    stack_events: Callable[[str], list[tuple[str, str, str, str]]],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> None:
    # GIVEN a custom resource whose Python handler raises before answering, and a long response deadline
    monkeypatch.setenv(CUSTOM_RESOURCE_TIMEOUT_ENV, str(LONG_DEADLINE_S))
    template = _template(upload_zip("custom-failures/raises.zip", {"index.py": RAISING_PYTHON}), "python3.11")

    # WHEN the stack is created
    started = time.monotonic()
    stack = run_stack("custom-raises", template)
    elapsed = time.monotonic() - started

    # THEN it rolls back long before the deadline, with the function's errorType and errorMessage
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE", stack.get("StackStatusReason")
    assert elapsed < LONG_DEADLINE_S / 4
    reason = _thing_failure(stack_events, "custom-raises")
    assert "Custom::Thing (Thing): the custom resource function " in reason
    assert "failed without responding: ValueError: no thing for Thing" in reason
    assert "log group /aws/lambda/" in reason


def test_node_handler_that_cannot_load_fails_the_resource_at_once(
    monkeypatch: pytest.MonkeyPatch,
    run_stack: Callable[..., dict[str, Any]],
    stack_events: Callable[[str], list[tuple[str, str, str, str]]],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> None:
    # GIVEN a custom resource whose Node.js module requires a file that is not there
    monkeypatch.setenv(CUSTOM_RESOURCE_TIMEOUT_ENV, str(LONG_DEADLINE_S))
    code = upload_zip("custom-failures/unloadable.zip", {"index.js": UNLOADABLE_NODE})
    template = _template(code, "nodejs20.x")

    # WHEN the stack is created
    started = time.monotonic()
    stack = run_stack("custom-unloadable", template)
    elapsed = time.monotonic() - started

    # THEN it rolls back long before the deadline, naming Runtime.ImportModuleError and the missing module
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE", stack.get("StackStatusReason")
    assert elapsed < LONG_DEADLINE_S / 4
    reason = _thing_failure(stack_events, "custom-unloadable")
    assert "Custom::Thing (Thing): the custom resource function " in reason
    assert "failed without responding: Runtime.ImportModuleError: " in reason
    assert "does-not-exist" in reason


def test_a_response_sent_before_the_crash_still_counts(
    monkeypatch: pytest.MonkeyPatch,
    run_stack: Callable[..., dict[str, Any]],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> None:
    # GIVEN a handler that PUTs SUCCESS to its ResponseURL and then raises
    monkeypatch.setenv(CUSTOM_RESOURCE_TIMEOUT_ENV, str(LONG_DEADLINE_S))
    code = upload_zip("custom-failures/answers-then-raises.zip", {"index.py": ANSWERS_THEN_RAISES_PYTHON})

    # WHEN the stack is created
    stack = run_stack("custom-answers-then-raises", _template(code, "python3.11"))

    # THEN the response it sent decides: the resource is created
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")


def test_a_function_that_never_responds_waits_for_the_deadline_and_says_what_it_awaited(
    monkeypatch: pytest.MonkeyPatch,
    run_stack: Callable[..., dict[str, Any]],
    stack_events: Callable[[str], list[tuple[str, str, str, str]]],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> None:
    # GIVEN a handler that returns without error but never PUTs its response, and a 2 s deadline
    monkeypatch.setenv(CUSTOM_RESOURCE_TIMEOUT_ENV, "2")
    code = upload_zip("custom-failures/silent.zip", {"index.py": SILENT_PYTHON})

    # WHEN the stack is created
    stack = run_stack("custom-silent", _template(code, "python3.11"))

    # THEN the resource fails at the deadline, saying it awaited the ResponseURL PUT, for how long, and how
    # to change the deadline
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE", stack.get("StackStatusReason")
    reason = _thing_failure(stack_events, "custom-silent")
    assert "did not receive a response from your Custom Resource within 2 s" in reason
    assert "never sent the PUT to its ResponseURL" in reason
    assert f"{CUSTOM_RESOURCE_TIMEOUT_ENV}=<seconds>" in reason
