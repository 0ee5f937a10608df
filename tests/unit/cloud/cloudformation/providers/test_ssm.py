"""AWS::SSM::Parameter deployed by the in-process engine into moto's SSM: create, update, rename, delete."""

from __future__ import annotations

from typing import Any

import pytest

from ...conftest import Clients
from ..conftest import body, delete, deploy


def _template(name: str, value: str) -> str:
    props = {"Name": name, "Type": "String", "Value": value, "Description": "d", "Tags": {"team": "shop"}}
    return body(
        {"Flag": {"Type": "AWS::SSM::Parameter", "Properties": props}},
        Outputs={"Name": {"Value": {"Ref": "Flag"}}, "Value": {"Value": {"Fn::GetAtt": ["Flag", "Value"]}}},
    )


def test_a_parameter_is_created_updated_in_place_renamed_and_deleted(cfn: Any, aws: Clients) -> None:
    ssm = aws("ssm")
    # WHEN it is created THEN Ref is its name, GetAtt Value its value, and its tags are set
    assert deploy(cfn, "s", _template("/app/flag", "on")) == {"Name": "/app/flag", "Value": "on"}
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/flag")["TagList"]
    assert tags == [{"Key": "team", "Value": "shop"}]
    # WHEN its value changes THEN it is overwritten in place (a new version of the same parameter)
    deploy(cfn, "s", _template("/app/flag", "off"), update=True)
    assert ssm.get_parameter(Name="/app/flag")["Parameter"]["Version"] == 2
    # WHEN its name changes THEN a new parameter replaces it and the old one is deleted
    deploy(cfn, "s", _template("/app/renamed", "off"), update=True)
    assert [p["Name"] for p in ssm.describe_parameters()["Parameters"]] == ["/app/renamed"]
    # WHEN the stack is deleted THEN the parameter goes with it
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert ssm.describe_parameters()["Parameters"] == []


def test_a_parameter_without_a_name_gets_cloudformations_generated_one(cfn: Any) -> None:
    template = body(
        {"Flag": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "StringList", "Value": "a,b"}}},
        Outputs={"Name": {"Value": {"Ref": "Flag"}}},
    )
    name = deploy(cfn, "s", template)["Name"]
    assert name.startswith("CFN-Flag-") and len(name) == len("CFN-Flag-") + 12


def test_a_name_already_taken_fails_the_resource(cfn: Any, aws: Clients) -> None:
    aws("ssm").put_parameter(Name="/app/flag", Value="outside", Type="String")
    with pytest.raises(AssertionError, match="ParameterAlreadyExists"):
        deploy(cfn, "s", _template("/app/flag", "on"))
