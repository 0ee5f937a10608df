"""Intrinsic functions, condition functions and pseudo parameters, resolved without a cloud."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from fogbank.cloud.cloudformation.intrinsics import IntrinsicError, Resolver, Scope, pseudo_parameters

RESOURCES = {"Queue": ("https://q/url", {"Arn": "arn:aws:sqs:us-east-1:1:q", "QueueName": "q"})}


def resolver(**overrides: Any) -> Resolver:
    scope = Scope(
        parameters={"Env": "dev", "Names": ["a", "b", "c"]},
        pseudo=pseudo_parameters("stack", "arn:stack/id", "eu-west-1", "123456789012"),
        mappings={"Sizes": {"dev": {"Memory": 128}, "prod": {"Memory": 1024}}},
        conditions={"IsDev": True, "IsProd": False},
        resource_ref=lambda lid: RESOURCES[lid][0],
        resource_attribute=lambda lid, att: RESOURCES[lid][1][att],
        import_value=lambda name: {"shared-url": "https://shared"}[name],
    )
    for key, value in overrides.items():
        setattr(scope, key, value)
    return Resolver(scope)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ({"Ref": "Env"}, "dev"),
        ({"Ref": "Queue"}, "https://q/url"),
        ({"Ref": "AWS::Region"}, "eu-west-1"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
        ({"Ref": "AWS::Partition"}, "aws"),
        ({"Ref": "AWS::AccountId"}, "123456789012"),
        ({"Ref": "AWS::StackName"}, "stack"),
        ({"Fn::GetAtt": ["Queue", "Arn"]}, "arn:aws:sqs:us-east-1:1:q"),
        ({"Fn::GetAtt": "Queue.QueueName"}, "q"),
        ({"Fn::Join": ["-", ["a", {"Ref": "Env"}, 3]]}, "a-dev-3"),
        ({"Fn::Sub": "${Env}-${Queue.QueueName}-${AWS::Region}-${!Literal}"}, "dev-q-eu-west-1-${Literal}"),
        ({"Fn::Sub": ["${X}/${Env}", {"X": {"Ref": "Queue"}}]}, "https://q/url/dev"),
        ({"Fn::Select": [1, {"Ref": "Names"}]}, "b"),
        ({"Fn::Select": ["2", {"Fn::Split": [",", "x,y,z"]}]}, "z"),
        ({"Fn::If": ["IsDev", "small", "large"]}, "small"),
        ({"Fn::If": ["IsProd", "large", "small"]}, "small"),
        ({"Fn::Equals": [{"Ref": "Env"}, "dev"]}, True),
        ({"Fn::And": [{"Condition": "IsDev"}, {"Fn::Not": [{"Condition": "IsProd"}]}]}, True),
        ({"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": ["1", 1]}]}, True),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]}, 128),
        ({"Fn::GetAZs": ""}, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ({"Fn::Base64": "hi"}, base64.b64encode(b"hi").decode()),
        ({"Fn::ImportValue": "shared-url"}, "https://shared"),
        ({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, ["10.0.0.0/24", "10.0.1.0/24"]),
        ({"Fn::Contains": [["1", "2"], {"Ref": "Env"}]}, False),
    ],
)
def test_expression_resolves_like_cloudformation(expression: Any, expected: Any) -> None:
    # GIVEN a scope with parameters, pseudo parameters, mappings, conditions and one resource
    # WHEN the expression is resolved
    value = resolver().resolve(expression)

    # THEN it has CloudFormation's value
    assert value == expected


def test_no_value_removes_the_property_and_list_item() -> None:
    # GIVEN properties that use AWS::NoValue through Fn::If
    properties = {
        "Keep": "yes",
        "Drop": {"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]},
        "List": ["a", {"Fn::If": ["IsProd", "b", {"Ref": "AWS::NoValue"}]}],
    }

    # WHEN they are resolved
    resolved = resolver().resolve(properties)

    # THEN the key and the list item are gone
    assert resolved == {"Keep": "yes", "List": ["a"]}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ({"Fn::FindInMap": ["Nope", "a", "b"]}, "Mapping named 'Nope' is not present"),
        ({"Fn::FindInMap": ["Sizes", "qa", "Memory"]}, "Unable to get mapping for Sizes::qa::Memory"),
        ({"Fn::Select": [5, ["a"]]}, "cannot select index 5"),
        ({"Fn::If": ["Unknown", 1, 2]}, "Unresolved condition dependency Unknown"),
        ({"Fn::Transform": {}}, "unsupported intrinsic function Fn::Transform"),
        ({"Fn::Join": ["-", "not-a-list"]}, "Fn::Join expects a list"),
    ],
)
def test_misuse_names_the_function(expression: Any, message: str) -> None:
    # GIVEN a wrong use of an intrinsic function
    # WHEN it is resolved
    # THEN the error names the function and what is wrong
    with pytest.raises(IntrinsicError, match=message):
        resolver().resolve(expression)


def test_ref_without_resources_is_unresolved() -> None:
    # GIVEN a scope that knows no resources (as in Rules)
    # WHEN a Ref names something that is not a parameter
    # THEN the error is CloudFormation's "Unresolved resource dependencies"
    with pytest.raises(IntrinsicError, match=r"Unresolved resource dependencies \[Thing\]"):
        resolver(resource_ref=None).resolve({"Ref": "Thing"})
