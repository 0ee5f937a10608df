"""Bootstrapping for the CDK refuses what it cannot do, and says what to do instead."""

from __future__ import annotations

import boto3
import pytest

from fogbank.deploy.bootstrap import bootstrap_local
from fogbank.deploy.targets import Target
from fogbank.errors import TargetError


def test_an_aws_target_is_refused_with_the_cdk_command() -> None:
    # GIVEN the aws target (nothing is called: the account is known up front)
    session = boto3.session.Session(region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
    target = Target("aws", session, None, known_account="111122223333")
    # WHEN fogbank is asked to bootstrap it
    # THEN it refuses and names `cdk bootstrap` for that account and region
    with pytest.raises(TargetError, match=r"npx cdk bootstrap aws://111122223333/eu-west-1"):
        bootstrap_local(target)
