"""IAM roles and policies deployed by the in-process engine into moto's IAM: documents, attachments, updates."""

from __future__ import annotations

import json
from typing import Any

from ...conftest import Clients
from ..conftest import body, delete, deploy

IAM = ["CAPABILITY_IAM"]  # CloudFormation refuses IAM resources without it
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _allow(action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def _template(inline_action: str) -> str:
    return body(
        {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": TRUST,
                    "Path": "/app/",
                    "MaxSessionDuration": 7200,
                    "Policies": [{"PolicyName": "inline", "PolicyDocument": _allow(inline_action)}],
                    "Tags": [{"Key": "team", "Value": "shop"}],
                },
            },
            "Extra": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyName": "extra",
                    "PolicyDocument": _allow("sqs:*"),
                    "Roles": [{"Ref": "Role"}],
                },
            },
            "Managed": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {"PolicyDocument": _allow("s3:GetObject"), "Roles": [{"Ref": "Role"}]},
            },
        },
        Outputs={
            "Name": {"Value": {"Ref": "Role"}},
            "Arn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]}},
            "RoleId": {"Value": {"Fn::GetAtt": ["Role", "RoleId"]}},
            "Managed": {"Value": {"Ref": "Managed"}},
        },
    )


def test_a_role_with_inline_attached_and_managed_policies(cfn: Any, aws: Clients) -> None:
    iam = aws("iam")
    # WHEN the role and its policies are deployed
    outputs = deploy(cfn, "s", _template("logs:*"), Capabilities=IAM)
    name = outputs["Name"]
    # THEN IAM has the role with its path, trust policy and session duration, Ref and GetAtt as on AWS
    role = iam.get_role(RoleName=name)["Role"]
    assert (
        outputs["Arn"] == role["Arn"] and "role/app/" in role["Arn"] and outputs["RoleId"] == role["RoleId"]
    )
    assert role["MaxSessionDuration"] == 7200 and role["AssumeRolePolicyDocument"] == TRUST
    # AND its inline policies (its own and AWS::IAM::Policy's), and the managed policy attached by ARN
    assert sorted(iam.list_role_policies(RoleName=name)["PolicyNames"]) == ["extra", "inline"]
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [outputs["Managed"]]

    # WHEN the inline policy's document changes THEN the role is the same, with the new document
    deploy(cfn, "s", _template("dynamodb:*"), update=True, Capabilities=IAM)
    document = iam.get_role_policy(RoleName=name, PolicyName="inline")["PolicyDocument"]
    assert (json.loads(document) if isinstance(document, str) else document)["Statement"][0][
        "Action"
    ] == "dynamodb:*"

    # WHEN the stack is deleted THEN the role and the managed policy are gone
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert iam.list_roles()["Roles"] == [] and iam.list_policies(Scope="Local")["Policies"] == []
