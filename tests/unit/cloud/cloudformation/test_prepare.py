"""Preparing a template: parameter values (SSM, lists, AllowedValues), conditions, rules and the active set."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fogbank.cloud.cloudformation.errors import TemplateValidationError
from fogbank.cloud.cloudformation.prepare import StackIdentity, prepare
from fogbank.cloud.cloudformation.template import parse_template

IDENTITY = StackIdentity("s", "arn:aws:cloudformation:us-east-1:1:stack/s/x", "us-east-1", "123456789012")


def _no_ssm(name: str) -> str:
    raise LookupError(name)


def template(resources: dict[str, Any], **sections: Any) -> str:
    return json.dumps({"Resources": resources, **sections})


def test_parameters_conditions_and_rules() -> None:
    # GIVEN parameters (one from SSM), conditions that use each other, and a rule like CDK's bootstrap check
    parsed = parse_template(
        template(
            {"A": {"Type": "T", "Condition": "IsProd"}, "B": {"Type": "T"}},
            Parameters={
                "Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
                "Version": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/v"},
                "Subnets": {"Type": "CommaDelimitedList", "Default": "a, b"},
            },
            Conditions={
                "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
            },
            Rules={
                "CheckBootstrapVersion": {
                    "Assertions": [
                        {
                            "Assert": {
                                "Fn::Not": [{"Fn::Contains": [["1", "2", "3", "4", "5"], {"Ref": "Version"}]}]
                            },
                            "AssertDescription": "CDK bootstrap stack version 6 required.",
                        }
                    ]
                }
            },
        )
    )

    # WHEN it is prepared with a bootstrap version of 21
    prepared = prepare(parsed, {}, IDENTITY, ssm_lookup={"/cdk-bootstrap/v": "21"}.__getitem__)

    # THEN values, conditions and the active set are CloudFormation's
    assert prepared.parameters == {"Env": "dev", "Version": "21", "Subnets": ["a", "b"]}
    assert prepared.conditions == {"IsProd": False, "NotProd": True}
    assert prepared.active == {"B"}
    # AND an old bootstrap version fails the rule with its description
    with pytest.raises(TemplateValidationError, match=r"CDK bootstrap stack version 6 required\."):
        prepare(parsed, {}, IDENTITY, ssm_lookup={"/cdk-bootstrap/v": "4"}.__getitem__)
    # AND a missing SSM parameter fails as on AWS
    with pytest.raises(TemplateValidationError, match=r"Unable to fetch parameters \[/cdk-bootstrap/v\]"):
        prepare(parsed, {}, IDENTITY, ssm_lookup=_no_ssm)
    # AND a value outside AllowedValues, an unknown or a missing parameter is a ValidationError
    with pytest.raises(TemplateValidationError, match="must be one of AllowedValues"):
        prepare(parsed, {"Env": "qa"}, IDENTITY, ssm_lookup=lambda name: "21")
    with pytest.raises(TemplateValidationError, match=r"Parameters: \[Nope\] do not exist in the template"):
        prepare(parsed, {"Nope": "x"}, IDENTITY, ssm_lookup=lambda name: "21")


def test_missing_parameter_value() -> None:
    # GIVEN a parameter without default
    parsed = parse_template(template({"A": {"Type": "T"}}, Parameters={"Name": {"Type": "String"}}))

    # WHEN no value is given
    # THEN AWS's message names it
    with pytest.raises(TemplateValidationError, match=r"Parameters: \[Name\] must have values"):
        prepare(parsed, {}, IDENTITY, ssm_lookup=_no_ssm)
