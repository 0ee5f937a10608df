"""A cache's server lives no longer than its LocalCloud: stopping the cloud ends it, even with the stack still there."""

from __future__ import annotations

import contextlib
import json
import socket

import pytest
from botocore.exceptions import WaiterError

from fogbank.cloud import LocalCloud

TEMPLATE = {
    "Resources": {
        "Cache": {
            "Type": "AWS::ElastiCache::ServerlessCache",
            "Properties": {"ServerlessCacheName": "lifecycle", "Engine": "redis"},
        }
    },
    "Outputs": {
        "Host": {"Value": {"Fn::GetAtt": ["Cache", "Endpoint.Address"]}},
        "Port": {"Value": {"Fn::GetAtt": ["Cache", "Endpoint.Port"]}},
    },
}


def test_stopping_the_cloud_ends_its_caches():
    # GIVEN a running cache in a stack that is never deleted
    with LocalCloud() as cloud:
        cfn = cloud.client("cloudformation")
        cfn.create_stack(StackName="kept", TemplateBody=json.dumps(TEMPLATE))
        with contextlib.suppress(WaiterError):
            cfn.get_waiter("stack_create_complete").wait(
                StackName="kept", WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
            )
        outputs = {
            o["OutputKey"]: o["OutputValue"]
            for o in cfn.describe_stacks(StackName="kept")["Stacks"][0]["Outputs"]
        }
        address = (outputs["Host"], int(outputs["Port"]))
        socket.create_connection(address, timeout=2).close()  # it answers while the cloud runs

    # WHEN the cloud has stopped / THEN nothing listens at the cache's endpoint any more
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address, timeout=2)
