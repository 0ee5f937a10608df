"""AWS managed policies created on demand in moto's IAM state, as attaching one by ARN on AWS expects."""

from __future__ import annotations

import pytest

from fogbank.cloud.aws_state.iam import ensure_aws_managed_policy

from ..conftest import ACCOUNT, Clients

BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def test_an_aws_managed_policy_is_created_once_and_readable(aws: Clients) -> None:
    # WHEN Lambda's basic execution policy is ensured twice
    assert ensure_aws_managed_policy(ACCOUNT, BASIC) is True
    assert ensure_aws_managed_policy(ACCOUNT, BASIC) is True

    # THEN IAM has it once, with AWS's document
    policy = aws("iam").get_policy(PolicyArn=BASIC)["Policy"]
    assert policy["PolicyName"] == "AWSLambdaBasicExecutionRole"
    version = aws("iam").get_policy_version(PolicyArn=BASIC, VersionId=policy["DefaultVersionId"])
    assert "logs:PutLogEvents" in str(version["PolicyVersion"]["Document"])


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:iam::aws:policy/NoSuchPolicyAtAll", f"arn:aws:iam::{ACCOUNT}:policy/mine"],
)
def test_an_unknown_or_customer_policy_is_not_created(aws: Clients, arn: str) -> None:
    # WHEN AWS has no such managed policy, or the ARN is a customer's THEN nothing is created
    assert ensure_aws_managed_policy(ACCOUNT, arn) is False
