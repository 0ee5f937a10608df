"""KMS keys and aliases deployed by the in-process engine into moto's KMS: settings, updates, deletion."""

from __future__ import annotations

import json
from typing import Any

from ...conftest import ACCOUNT, Clients
from ..conftest import body, delete, deploy

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ],
}


def _template(description: str, rotation: bool, enabled: bool = True) -> str:
    key = {
        "Description": description,
        "KeyPolicy": POLICY,
        "EnableKeyRotation": rotation,
        "Enabled": enabled,
        "PendingWindowInDays": 7,
    }
    return body(
        {
            "Key": {"Type": "AWS::KMS::Key", "Properties": key},
            "Alias": {
                "Type": "AWS::KMS::Alias",
                "Properties": {"AliasName": "alias/shop", "TargetKeyId": {"Ref": "Key"}},
            },
        },
        Outputs={"KeyId": {"Value": {"Ref": "Key"}}, "Arn": {"Value": {"Fn::GetAtt": ["Key", "Arn"]}}},
    )


def test_a_key_with_its_policy_rotation_and_alias_updated_then_scheduled_for_deletion(
    cfn: Any, aws: Clients
) -> None:
    kms = aws("kms")
    # WHEN a key with a policy, rotation and an alias is deployed
    outputs = deploy(cfn, "s", _template("first", rotation=True))
    key_id = outputs["KeyId"]
    # THEN KMS has its policy, rotation and description, and the alias resolves to it
    assert outputs["Arn"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}"
    assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == POLICY
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    assert kms.describe_key(KeyId="alias/shop")["KeyMetadata"]["KeyId"] == key_id

    # WHEN its description, rotation and Enabled change THEN the same key is updated in place
    deploy(cfn, "s", _template("second", rotation=False, enabled=False), update=True)
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (metadata["Description"], metadata["Enabled"]) == ("second", False)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False

    # WHEN the stack is deleted THEN the alias is gone and the key is pending deletion, as on AWS
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert [a["AliasName"] for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/shop"] == []
