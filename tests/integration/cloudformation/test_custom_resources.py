"""Custom resources with the real protocol: the ServiceToken function answers by PUT to the ResponseURL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fogbank.cloud import LocalCloud

ASSUME_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
# The Python handler writes an SSM parameter on Delete: its role must allow that, as on AWS.
LEAVE_PARAMETER = {
    "PolicyName": "leave-parameter",
    "PolicyDocument": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:PutParameter", "Resource": "*"}],
    },
}

# A Python handler in the style of cfn-response: urllib PUT of the JSON body. On Delete it leaves an SSM
# parameter behind, so the test can see that Delete was sent with the physical id.
PYTHON_HANDLER = """
import json, urllib.request
import boto3

def handler(event, context):
    props = event["ResourceProperties"]
    status, data, reason = "SUCCESS", {"Greeting": "hello " + props.get("Name", "")}, "ok"
    physical = event.get("PhysicalResourceId") or "greeter-" + props.get("Name", "")
    if props.get("Fail") == "yes" and event["RequestType"] != "Delete":
        status, reason = "FAILED", "asked to fail"
    if event["RequestType"] == "Delete":
        boto3.client("ssm").put_parameter(Name="/deleted/" + physical, Value=event["StackId"], Type="String")
    body = json.dumps({"Status": status, "Reason": reason, "PhysicalResourceId": physical,
                       "StackId": event["StackId"], "RequestId": event["RequestId"],
                       "LogicalResourceId": event["LogicalResourceId"], "Data": data}).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"content-type": "", "content-length": str(len(body))})
    urllib.request.urlopen(request).read()
"""

# Node.js, answering exactly as CDK's provider framework does: https.request with hostname and path only.
NODE_HANDLER = """
const https = require("https");
const url = require("url");

exports.handler = async (event) => {
  const body = JSON.stringify({
    Status: "SUCCESS", Reason: "ok", PhysicalResourceId: "node-" + event.LogicalResourceId,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    Data: { Upper: String(event.ResourceProperties.Word).toUpperCase(), Type: event.RequestType },
  });
  const parsed = url.parse(event.ResponseURL);
  await new Promise((resolve, reject) => {
    const req = https.request({ hostname: parsed.hostname, path: parsed.path, method: "PUT",
      headers: { "content-type": "", "content-length": Buffer.byteLength(body, "utf8") } }, (res) => {
        res.resume();
        res.statusCode >= 400 ? reject(new Error("HTTP " + res.statusCode)) : resolve();
      });
    req.on("error", reject);
    req.write(body);
    req.end();
  });
};
"""


def _template(
    code: dict[str, str], runtime: str, handler: str, properties: dict[str, Any], **function: Any
) -> dict[str, Any]:
    return {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": ASSUME_LAMBDA, "Policies": [LEAVE_PARAMETER]},
            },
            "Handler": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": code,
                    "Handler": handler,
                    "Runtime": runtime,
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    **function,
                },
            },
            "Thing": {
                "Type": "Custom::Thing",
                "Properties": {"ServiceToken": {"Fn::GetAtt": ["Handler", "Arn"]}, **properties},
            },
        },
        "Outputs": {
            "Ref": {"Value": {"Ref": "Thing"}},
            "Data": {
                "Value": {"Fn::GetAtt": ["Thing", "Greeting" if runtime.startswith("python") else "Upper"]}
            },
        },
    }


def _outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def test_python_custom_resource_create_update_delete(
    cloud: LocalCloud,
    run_stack: Callable[..., dict[str, Any]],
    delete_stack: Callable[[str], None],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> None:
    # GIVEN a custom resource backed by a Python function
    code = upload_zip("custom/python.zip", {"index.py": PYTHON_HANDLER})
    template = _template(code, "python3.11", "index.handler", {"Name": "world"})

    # WHEN the stack is created
    stack = run_stack("custom-python", template)

    # THEN Ref is the physical id the handler chose, and GetAtt reads its Data
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    assert _outputs(stack) == {"Ref": "greeter-world", "Data": "hello world"}

    # WHEN a property changes
    template["Resources"]["Thing"]["Properties"]["Name"] = "again"
    stack = run_stack("custom-python", template, update=True)

    # THEN the handler saw an Update and its new Data is used
    assert stack["StackStatus"] == "UPDATE_COMPLETE", stack.get("StackStatusReason")
    assert _outputs(stack)["Data"] == "hello again"

    # WHEN the stack is deleted
    delete_stack("custom-python")

    # THEN the handler received Delete with the physical id
    assert (
        cloud.client("ssm")
        .get_parameter(Name="/deleted/greeter-world")["Parameter"]["Value"]
        .startswith("arn:aws:cloudformation")
    )


def test_custom_resource_failure_rolls_back(
    run_stack: Callable[..., dict[str, Any]],
    stack_events: Callable[[str], list[tuple[str, str, str, str]]],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> None:
    # GIVEN a custom resource whose handler answers FAILED
    code = upload_zip("custom/python-fail.zip", {"index.py": PYTHON_HANDLER})
    template = _template(code, "python3.11", "index.handler", {"Name": "x", "Fail": "yes"})

    # WHEN the stack is created
    stack = run_stack("custom-fails", template)

    # THEN it rolls back with CloudFormation's message carrying the handler's reason
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    (reason,) = [e[3] for e in stack_events("custom-fails") if e[0] == "Thing" and e[2] == "CREATE_FAILED"]
    assert reason.endswith(
        "Received response status [FAILED] from custom resource. Message returned: asked to fail"
    )


@pytest.mark.parametrize("runtime", ["nodejs20.x"])
def test_node_custom_resource_answers_like_cdk_handlers(
    run_stack: Callable[..., dict[str, Any]],
    delete_stack: Callable[[str], None],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
    runtime: str,
) -> None:
    # GIVEN a Node.js handler answering with https.request(hostname, path) as CDK's framework does, and a
    # NODE_OPTIONS of its own (the local cloud's response shim is preloaded next to it)
    code = upload_zip("custom/node.zip", {"index.js": NODE_HANDLER})
    environment = {"Environment": {"Variables": {"NODE_OPTIONS": "--max-old-space-size=256"}}}
    template = _template(code, runtime, "index.handler", {"Word": "quiet"}, **environment)

    # WHEN the stack is created and deleted
    stack = run_stack("custom-node", template)

    # THEN the response reached the local cloud: the stack is complete with the handler's Data
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    assert _outputs(stack) == {"Ref": "node-Thing", "Data": "QUIET"}
    delete_stack("custom-node")


# Answers a physical id made from the Name property, so that changing Name replaces the resource.
REPLACING_HANDLER = PYTHON_HANDLER.replace(
    'physical = event.get("PhysicalResourceId") or "greeter-" + props.get("Name", "")',
    'physical = "replacing-" + props.get("Name", "")',
).replace(
    'if props.get("Fail") == "yes"',
    'if event["RequestType"] == "Delete": physical = event["PhysicalResourceId"]\n    if props.get("Fail") == "yes"',
)


def _deleted(cloud: LocalCloud) -> set[str]:
    pages = cloud.client("ssm").get_paginator("get_parameters_by_path").paginate(Path="/deleted")
    return {p["Name"].removeprefix("/deleted/") for page in pages for p in page["Parameters"]}


def test_custom_resource_replacement_deletes_the_old_one_in_cleanup(
    cloud: LocalCloud,
    cfn: Any,
    run_stack: Callable[..., dict[str, Any]],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> None:
    # GIVEN a custom resource whose physical id follows its Name property
    code = upload_zip("custom/replacing.zip", {"index.py": REPLACING_HANDLER})
    template = _template(code, "python3.11", "index.handler", {"Name": "first"})
    assert run_stack("custom-replace", template)["StackStatus"] == "CREATE_COMPLETE"

    # WHEN an update changes Name, so the handler answers a new physical id
    template["Resources"]["Thing"]["Properties"]["Name"] = "second"
    stack = run_stack("custom-replace", template, update=True)

    # THEN the stack uses the new resource, and the old one got Delete during cleanup, after the update
    assert stack["StackStatus"] == "UPDATE_COMPLETE", stack.get("StackStatusReason")
    assert _outputs(stack)["Ref"] == "replacing-second"
    assert "replacing-first" in _deleted(cloud) and "replacing-second" not in _deleted(cloud)
    events = list(reversed(cfn.describe_stack_events(StackName="custom-replace")["StackEvents"]))
    statuses = [(e["LogicalResourceId"], e["ResourceStatus"], e.get("PhysicalResourceId")) for e in events]
    cleanup = statuses.index(("custom-replace", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", stack["StackId"]))
    old_deleted = statuses.index(("Thing", "DELETE_COMPLETE", "replacing-first"))
    assert cleanup < old_deleted


def test_failed_update_keeps_the_old_custom_resource_and_deletes_the_new_one(
    cloud: LocalCloud,
    run_stack: Callable[..., dict[str, Any]],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> None:
    # GIVEN a custom resource whose physical id follows its Name property
    code = upload_zip("custom/replacing-rollback.zip", {"index.py": REPLACING_HANDLER})
    template = _template(code, "python3.11", "index.handler", {"Name": "kept"})
    assert run_stack("custom-replace-fails", template)["StackStatus"] == "CREATE_COMPLETE"

    # WHEN an update replaces it, and a resource created after it fails
    template["Resources"]["Thing"]["Properties"]["Name"] = "discarded"
    template["Resources"]["Later"] = {
        "Type": "Custom::Thing",
        "DependsOn": "Thing",
        "Properties": {
            "ServiceToken": {"Fn::GetAtt": ["Handler", "Arn"]},
            "Name": "later",
            "Fail": "yes",
        },
    }
    stack = run_stack("custom-replace-fails", template, update=True)

    # THEN the update rolls back to the old resource, which was never deleted; the new one was
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE", stack.get("StackStatusReason")
    assert _outputs(stack)["Ref"] == "replacing-kept"
    assert "replacing-discarded" in _deleted(cloud)
    assert "replacing-kept" not in _deleted(cloud)
