"""CreateStack and UpdateStack refuse templates whose properties break their schema, before any resource."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

_BROKEN_FUNCTION = {
    "Type": "AWS::Lambda::Function",
    "Properties": {"Code": {"ZipFile": "def handler(e, c): pass"}, "Runtime": "python3.12", "MemorySize": 64},
}


def test_create_stack_answers_validation_error_and_creates_nothing(cfn: Any, cloud: Any) -> None:
    # GIVEN a template with a valid queue and a function missing Role with a too small MemorySize
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Fn": _BROKEN_FUNCTION}}

    # WHEN it is created
    with pytest.raises(ClientError) as raised:
        cfn.create_stack(StackName="invalid-props", TemplateBody=json.dumps(template))

    # THEN CreateStack itself answers ValidationError naming the resource, the path and the rule
    error = raised.value.response["Error"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "ValidationError"
    assert error["Message"] == (
        "Properties validation failed for resource Fn with message: "
        "[#/MemorySize: failed validation constraint for keyword [minimum], #: required key [Role] not found]"
    )
    # AND no stack and no queue exist
    with pytest.raises(ClientError, match="does not exist"):
        cfn.describe_stacks(StackName="invalid-props")
    assert cloud.client("sqs").list_queues().get("QueueUrls", []) == []


def test_update_stack_answers_validation_error_and_leaves_the_stack(
    cfn: Any, run_stack: Callable[..., dict[str, Any]]
) -> None:
    # GIVEN a stack with a queue
    good = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}}}}
    assert run_stack("valid-then-invalid", good)["StackStatus"] == "CREATE_COMPLETE"

    # WHEN it is updated with an out-of-range delay
    bad = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 901}}}}
    with pytest.raises(ClientError) as raised:
        cfn.update_stack(StackName="valid-then-invalid", TemplateBody=json.dumps(bad))

    # THEN UpdateStack answers ValidationError, and the stack is untouched
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert raised.value.response["Error"]["Message"] == (
        "Properties validation failed for resource Queue with message: "
        "[#/DelaySeconds: failed validation constraint for keyword [maximum]]"
    )
    stack = cfn.describe_stacks(StackName="valid-then-invalid")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    cfn.delete_stack(StackName="valid-then-invalid")


def test_parameter_values_are_validated_and_disable_validation_skips(
    cfn: Any, run_stack: Callable[..., dict[str, Any]]
) -> None:
    # GIVEN a queue whose delay is a parameter
    template = {
        "Parameters": {"Delay": {"Type": "Number"}},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": {"Ref": "Delay"}}}},
    }

    # WHEN created with an out-of-range value THEN CreateStack refuses it
    with pytest.raises(
        ClientError, match=r"#/DelaySeconds: failed validation constraint for keyword \[maximum\]"
    ):
        cfn.create_stack(
            StackName="param-validated",
            TemplateBody=json.dumps(template),
            Parameters=[{"ParameterKey": "Delay", "ParameterValue": "5000"}],
        )

    # WHEN created with DisableValidation THEN the check is skipped and the stack is created
    stack = run_stack(
        "param-not-validated",
        template,
        Parameters=[{"ParameterKey": "Delay", "ParameterValue": "5000"}],
        DisableValidation=True,
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    cfn.delete_stack(StackName="param-not-validated")
