"""The AWS-managed policies fogbank ships are AWS's documents."""

from __future__ import annotations

import json

import pytest

from fogbank.cloud.iam.policies import managed_policy, shipped_managed_policies

CDK_AND_SAM = [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
    "arn:aws:iam::aws:policy/AWSLambdaExecute",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
    "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy",
]


@pytest.mark.parametrize("arn", CDK_AND_SAM)
def test_the_policies_cdk_and_sam_attach_are_shipped(arn: str) -> None:
    # GIVEN a managed policy CDK or SAM attaches to function roles
    # WHEN it is looked up
    # THEN fogbank has its document
    document = managed_policy(arn)
    assert document is not None and document.statements


def test_shipped_documents_match_the_published_ones() -> None:
    # GIVEN the published AWS managed policies (moto's copy of AWS's catalog; the pinned moto is in the venv)
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    published = json.loads(aws_managed_policies_data)
    # WHEN each shipped policy is compared with its published version
    # THEN the documents are identical
    for arn, entry in shipped_managed_policies().items():
        assert entry["Document"] == published[arn.rsplit("/", 1)[-1]]["Document"], arn


def test_basic_execution_role_allows_writing_logs() -> None:
    # GIVEN AWSLambdaBasicExecutionRole
    document = managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    # WHEN / THEN it is the Logs permission Lambda needs
    assert document is not None
    assert document.statements[0].actions == (
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    )
