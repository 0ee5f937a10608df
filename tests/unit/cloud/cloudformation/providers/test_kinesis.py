"""Kinesis streams deployed by the in-process engine into moto's Kinesis state."""

from __future__ import annotations

import json
from typing import Any

from ...conftest import Clients
from ..conftest import delete, deploy

# what `kinesis.Stream(stack, "Stream")` writes (its encryption left out only in the China regions)
CDK_CONDITIONS = {
    "UnsupportedRegions": {
        "Fn::Or": [
            {"Fn::Equals": [{"Ref": "AWS::Region"}, "cn-north-1"]},
            {"Fn::Equals": [{"Ref": "AWS::Region"}, "cn-northwest-1"]},
        ]
    }
}


def _stack(**stream: Any) -> str:
    encryption = {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}
    properties = {
        "RetentionPeriodHours": 24,
        "ShardCount": 1,
        "StreamEncryption": {"Fn::If": ["UnsupportedRegions", {"Ref": "AWS::NoValue"}, encryption]},
        **stream,
    }
    return json.dumps(
        {
            "Conditions": CDK_CONDITIONS,
            "Resources": {"Stream": {"Type": "AWS::Kinesis::Stream", "Properties": properties}},
            "Outputs": {
                "Ref": {"Value": {"Ref": "Stream"}},
                "Arn": {"Value": {"Fn::GetAtt": ["Stream", "Arn"]}},
            },
        }
    )


def test_a_stream_as_cdk_writes_it_is_created_updated_in_place_and_deleted(cfn: Any, aws: Clients) -> None:
    # GIVEN the stream kinesis.Stream writes by default (one shard, 24 h, AWS-managed KMS encryption)
    # WHEN it is deployed
    outputs = deploy(cfn, "streams", _stack())
    # THEN Ref is the generated name, GetAtt Arn its ARN, and Kinesis holds the stream as written
    name = outputs["Ref"]
    assert name.startswith("streams-Stream-")
    assert outputs["Arn"] == f"arn:aws:kinesis:us-east-1:123456789012:stream/{name}"
    kinesis = aws("kinesis")
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert (summary["OpenShardCount"], summary["RetentionPeriodHours"]) == (1, 24)
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", "alias/aws/kinesis")

    # WHEN it is updated to two shards and a week's retention, with a tag
    again = deploy(
        cfn,
        "streams",
        _stack(ShardCount=2, RetentionPeriodHours=168, Tags=[{"Key": "team", "Value": "a"}]),
        True,
    )
    # THEN the same stream has them
    assert again["Ref"] == name
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert (summary["OpenShardCount"], summary["RetentionPeriodHours"]) == (2, 168)
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == [{"Key": "team", "Value": "a"}]

    # WHEN the stack is deleted THEN the stream is gone
    assert delete(cfn, "streams")["StackStatus"] == "DELETE_COMPLETE"
    assert kinesis.list_streams()["StreamNames"] == []
