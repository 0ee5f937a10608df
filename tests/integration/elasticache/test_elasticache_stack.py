"""ElastiCache caches deployed by CloudFormation on a LocalCloud: real redis-server processes, reached at the
endpoint outputs from the test process (redis-py) and from a Lambda worker (TLS verified against the trusted
CAs); deleting the stack ends them. Nothing is mocked.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from botocore.exceptions import WaiterError

from fogbank.cloud import LocalCloud

# The worker has no redis client: speak RESP over a TLS socket that verifies the server as any client would.
PINGER = """
import os, socket, ssl
def handler(event, context):
    context_ = ssl.create_default_context()
    host, port = os.environ["HOST"], int(os.environ["PORT"])
    with socket.create_connection((host, port), timeout=5) as raw:
        with context_.wrap_socket(raw, server_hostname=host) as tls:
            tls.sendall(b"*3\\r\\n$3\\r\\nSET\\r\\n$4\\r\\nfrom\\r\\n$6\\r\\nworker\\r\\n")
            return tls.recv(64).decode()
"""
TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            },
        },
        "Serverless": {
            "Type": "AWS::ElastiCache::ServerlessCache",
            "Properties": {
                "ServerlessCacheName": "sessions",
                "Engine": "valkey",
                "SubnetIds": ["subnet-1", "subnet-2"],
            },
        },
        "Params": {
            "Type": "AWS::ElastiCache::ParameterGroup",
            "Properties": {
                "CacheParameterGroupFamily": "redis7",
                "Description": "lru",
                "Properties": {"maxmemory-policy": "allkeys-lru"},
            },
        },
        "Subnets": {
            "Type": "AWS::ElastiCache::SubnetGroup",
            "Properties": {"Description": "caches", "SubnetIds": ["subnet-1"]},
        },
        "Cluster": {
            "Type": "AWS::ElastiCache::CacheCluster",
            "Properties": {
                "Engine": "redis",
                "CacheNodeType": "cache.t4g.micro",
                "NumCacheNodes": 1,
                "CacheParameterGroupName": {"Ref": "Params"},
                "CacheSubnetGroupName": {"Ref": "Subnets"},
            },
        },
        "Pinger": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.11",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": PINGER},
                "VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
                "Environment": {
                    "Variables": {
                        "HOST": {"Fn::GetAtt": ["Serverless", "Endpoint.Address"]},
                        "PORT": {"Fn::GetAtt": ["Serverless", "Endpoint.Port"]},
                    }
                },
            },
        },
    },
    "Outputs": {
        "Host": {"Value": {"Fn::GetAtt": ["Serverless", "Endpoint.Address"]}},
        "Port": {"Value": {"Fn::GetAtt": ["Serverless", "Endpoint.Port"]}},
        "ClusterHost": {"Value": {"Fn::GetAtt": ["Cluster", "RedisEndpoint.Address"]}},
        "ClusterPort": {"Value": {"Fn::GetAtt": ["Cluster", "RedisEndpoint.Port"]}},
        "Pinger": {"Value": {"Ref": "Pinger"}},
    },
}


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


def _create(cloud: LocalCloud, name: str, template: dict[str, Any]) -> dict[str, Any]:
    cfn = cloud.client("cloudformation")
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    with contextlib.suppress(WaiterError):
        cfn.get_waiter("stack_create_complete").wait(
            StackName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600}
        )
    return dict(cfn.describe_stacks(StackName=name)["Stacks"][0])


def test_caches_serve_until_the_stack_is_deleted(cloud: LocalCloud):
    # GIVEN a stack with a serverless cache (TLS) and a cache cluster using a parameter group
    stack = _create(cloud, "caches", TEMPLATE)
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    ca_file = str(cloud.components.frontdoors.ca_file)

    # WHEN a function in the VPC writes through TLS, and the test process reads both caches
    written = cloud.client("lambda").invoke(FunctionName=outputs["Pinger"])
    serverless = redis.Redis(host=outputs["Host"], port=int(outputs["Port"]), ssl=True, ssl_ca_certs=ca_file)
    cluster = redis.Redis(host=outputs["ClusterHost"], port=int(outputs["ClusterPort"]))

    # THEN they are real servers at the output endpoints, configured by the parameter group
    assert json.loads(written["Payload"].read()) == "+OK\r\n"
    assert serverless.get("from") == b"worker"
    assert cluster.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
    serverless.close()
    cluster.close()

    # WHEN the stack is deleted
    cfn = cloud.client("cloudformation")
    cfn.delete_stack(StackName="caches")
    cfn.get_waiter("stack_delete_complete").wait(
        StackName="caches", WaiterConfig={"Delay": 0.2, "MaxAttempts": 600}
    )

    # THEN nothing listens there any more
    for host, port in ((outputs["Host"], outputs["Port"]), (outputs["ClusterHost"], outputs["ClusterPort"])):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((host, int(port)), timeout=1)


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (
            {
                "Type": "AWS::ElastiCache::ServerlessCache",
                "Properties": {"ServerlessCacheName": "m", "Engine": "memcached"},
            },
            "Engine 'memcached' is not supported",
        ),
        (
            {
                "Type": "AWS::ElastiCache::ServerlessCache",
                "Properties": {"ServerlessCacheName": "u", "Engine": "redis", "UserGroupId": "g"},
            },
            "UserGroupId",
        ),
        (
            {
                "Type": "AWS::ElastiCache::ReplicationGroup",
                "Properties": {"ReplicationGroupDescription": "d", "NumNodeGroups": 2},
            },
            "cluster mode",
        ),
    ],
)
def test_unsupported_settings_are_refused(cloud: LocalCloud, resource: dict[str, Any], message: str):
    # GIVEN a cache the local cloud cannot run as asked
    name = f"refused-{abs(hash(message)) % 10000}"

    # WHEN the stack is created
    stack = _create(cloud, name, {"Resources": {"Cache": resource}})

    # THEN it fails, naming what is not supported
    events = cloud.client("cloudformation").describe_stack_events(StackName=name)["StackEvents"]
    reasons = " ".join(e.get("ResourceStatusReason", "") for e in events)
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert message in reasons
