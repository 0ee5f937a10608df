"""Pre-deployment property validation against the resource schemas cfn-lint ships."""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.cloud.cloudformation.errors import TemplateValidationError
from fogbank.cloud.cloudformation.template import ResourceDefinition, parse_template
from fogbank.cloud.cloudformation.validation import property_problems, validate_template_properties


def _resource(resource_type: str, properties: dict[str, Any]) -> ResourceDefinition:
    return ResourceDefinition("Res", resource_type, properties, (), None, "Delete", "Delete")


def _valid_function(**overrides: Any) -> dict[str, Any]:
    return {
        "Code": {"S3Bucket": "code-bucket", "S3Key": "fn.zip"},
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Handler": "index.handler",
        "Runtime": "python3.12",
        **overrides,
    }


def test_required_property_missing_names_the_key() -> None:
    # GIVEN a function without Role
    resource = _resource("AWS::Lambda::Function", {"Code": {"ZipFile": "x"}})

    # WHEN validated
    problems = property_problems(resource, {}, {})

    # THEN the problem names the missing key in the registry's words
    assert problems == ["#: required key [Role] not found"]


def test_type_enum_pattern_and_extraneous_keys_name_path_and_rule() -> None:
    # GIVEN a function with a bad type, a bad enum, a bad pattern and an unknown nested key
    resource = _resource(
        "AWS::Lambda::Function",
        _valid_function(
            Timeout=[1],
            Architectures=["sparc"],
            Code={"S3Bucket": "bad bucket!", "S3Key": "fn.zip", "Extra": 1},
        ),
    )

    # WHEN validated
    problems = property_problems(resource, {}, {})

    # THEN each names its JSON pointer and rule
    assert problems == [
        "#/Architectures/0: failed validation constraint for keyword [enum]",
        "#/Code/S3Bucket: failed validation constraint for keyword [pattern]",
        "#/Code: extraneous key [Extra] is not permitted",
        "#/Timeout: expected type: Integer, found: JSONArray",
    ]


def test_deploy_time_values_are_not_judged_and_scalars_coerce_as_cloudformation_does() -> None:
    # GIVEN values known only at deploy time, and numbers / booleans given as strings
    resource = _resource(
        "AWS::Lambda::Function",
        _valid_function(
            MemorySize="256",
            Timeout={"Fn::Select": [0, [1]]},
            Handler={"Fn::Sub": "${AWS::Region}.handler"},
            Architectures={"Ref": "Arch"},
            TracingConfig={"Mode": {"Fn::ImportValue": "mode"}},
        ),
    )

    # WHEN validated with a parameter Arch whose value is ["arm64"]
    problems = property_problems(resource, {"Arch": ["arm64"]}, {})

    # THEN nothing is reported
    assert problems == []


def test_ref_to_a_parameter_and_fn_if_take_their_values() -> None:
    # GIVEN a queue whose delay comes from a parameter and whose retention depends on a condition
    resource = _resource(
        "AWS::SQS::Queue",
        {
            "DelaySeconds": {"Ref": "Delay"},
            "MessageRetentionPeriod": {"Fn::If": ["Long", 99999999, {"Ref": "AWS::NoValue"}]},
        },
    )

    # WHEN validated with a too large delay and the condition true
    problems = property_problems(resource, {"Delay": "901"}, {"Long": True})

    # THEN both values were checked; with the condition false, the retention is gone
    assert problems == [
        "#/DelaySeconds: failed validation constraint for keyword [maximum]",
        "#/MessageRetentionPeriod: failed validation constraint for keyword [maximum]",
    ]
    assert property_problems(resource, {"Delay": "5"}, {"Long": False}) == []


def test_two_deploy_time_list_items_are_not_duplicates() -> None:
    # GIVEN a list of two references where the schema wants unique items
    resource = _resource(
        "AWS::EC2::SecurityGroup",
        {
            "GroupDescription": "sg",
            "VpcId": {"Ref": "Vpc"},
            "SecurityGroupEgress": [{"Ref": "A"}, {"Ref": "B"}],
        },
    )

    # WHEN validated THEN nothing is reported
    assert property_problems(resource, {}, {}) == []


def test_template_error_is_a_validation_error_naming_each_failing_active_resource() -> None:
    # GIVEN two broken resources, one of them inactive (its condition is false)
    template = parse_template(
        '{"Resources": {'
        '"Good": {"Type": "AWS::SQS::Queue"},'
        '"Bad": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "SecureString", "Value": "v"}},'
        '"Off": {"Type": "AWS::SSM::Parameter", "Properties": {}}}}'
    )

    # WHEN validated with Off inactive
    with pytest.raises(TemplateValidationError) as raised:
        validate_template_properties(template, {"Good", "Bad"}, {}, {})

    # THEN the ValidationError names the active broken resource only
    assert raised.value.code == "ValidationError"
    assert raised.value.message == (
        "Properties validation failed for resource Bad with message: "
        "[#/Type: failed validation constraint for keyword [enum]]"
    )


def test_types_without_a_published_schema_pass() -> None:
    # GIVEN a custom resource type (no schema) WHEN validated THEN nothing is reported
    assert property_problems(_resource("Custom::Thing", {"Anything": [1, {"x": 2}]}), {}, {}) == []
