"""Deploy and delete time of a 2-function stack (role, layer, two functions, outputs) on the local cloud.

Run: .venv/bin/python -m pytest benchmarks/test_cfn_deploy.py -p no:xdist --benchmark-only
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from fogbank.cloud import LocalCloud

ASSUME = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, source in files.items():
            archive.writestr(name, source)
    return buffer.getvalue()


def _template() -> str:
    code = {"S3Bucket": "bench", "S3Key": "app.zip"}
    functions = {
        name: {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Code": code,
                "Handler": "app.handler",
                "Runtime": "python3.11",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Layers": [{"Ref": "Layer"}],
                "Environment": {"Variables": {"NAME": name}},
            },
        }
        for name in ("First", "Second")
    }
    return json.dumps(
        {
            "Resources": {
                "Role": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {
                        "AssumeRolePolicyDocument": ASSUME,
                        "ManagedPolicyArns": [
                            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
                        ],
                    },
                },
                "Layer": {
                    "Type": "AWS::Lambda::LayerVersion",
                    "Properties": {"Content": {"S3Bucket": "bench", "S3Key": "layer.zip"}},
                },
                "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}},
                **functions,
            },
            "Outputs": {name: {"Value": {"Ref": name}} for name in functions},
        }
    )


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        s3 = running.client("s3")
        s3.create_bucket(Bucket="bench")
        s3.put_object(
            Bucket="bench", Key="app.zip", Body=_zip({"app.py": "def handler(e, c):\n    return 1\n"})
        )
        s3.put_object(Bucket="bench", Key="layer.zip", Body=_zip({"python/mod.py": "X = 1\n"}))
        yield running


_names = itertools.count()


def _deploy(cfn: Any, name: str, template: str) -> None:
    cfn.create_stack(StackName=name, TemplateBody=template, Capabilities=["CAPABILITY_IAM"])
    cfn.get_waiter("stack_create_complete").wait(
        StackName=name, WaiterConfig={"Delay": 0.02, "MaxAttempts": 5000}
    )


def _delete(cfn: Any, name: str) -> None:
    cfn.delete_stack(StackName=name)
    cfn.get_waiter("stack_delete_complete").wait(
        StackName=name, WaiterConfig={"Delay": 0.02, "MaxAttempts": 5000}
    )


def test_deploy_two_function_stack(benchmark: Any, cloud: LocalCloud) -> None:
    cfn, template = cloud.client("cloudformation"), _template()
    _deploy(cfn, "warmup", template)  # moto imports its models on first use
    _delete(cfn, "warmup")

    def setup() -> tuple[tuple[Any, str, str], dict[str, Any]]:
        return (cfn, f"deploy-{next(_names)}", template), {}

    benchmark.pedantic(_deploy, setup=setup, rounds=8, iterations=1)


def test_delete_two_function_stack(benchmark: Any, cloud: LocalCloud) -> None:
    cfn, template = cloud.client("cloudformation"), _template()

    def setup() -> tuple[tuple[Any, str], dict[str, Any]]:
        name = f"delete-{next(_names)}"
        _deploy(cfn, name, template)
        return (cfn, name), {}

    benchmark.pedantic(_delete, setup=setup, rounds=8, iterations=1)
