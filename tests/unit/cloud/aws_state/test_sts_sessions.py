"""Role sessions issued in moto's STS state: found again by access key, and known to GetCallerIdentity."""

from __future__ import annotations

from datetime import datetime, timedelta

import boto3

from fogbank.cloud.aws_state.sts_sessions import find_session, issue_session

from ..conftest import ACCOUNT, Clients, lambda_role


def test_an_issued_session_is_found_by_its_key_and_sts_knows_it(aws: Clients) -> None:
    # GIVEN a role and a session of it named after a function
    role_arn = lambda_role(aws, "Worker")

    # WHEN a session is issued
    session = issue_session(ACCOUNT, role_arn, "my-fn", duration=900)

    # THEN it is found by its access key id, with its role, name and expiry
    assert find_session(session.access_key_id) == session
    assert (session.role_arn, session.session_name, session.account_id) == (role_arn, "my-fn", ACCOUNT)
    assert session.expiration.tzinfo is None  # naive UTC, as the directory compares it
    assert timedelta(0) < session.expiration - datetime.utcnow() <= timedelta(seconds=900)
    # AND STS answers GetCallerIdentity for its credentials with the assumed-role ARN
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=session.access_key_id,
        aws_secret_access_key=session.secret_access_key,
        aws_session_token=session.session_token,
    )
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Worker/my-fn"


def test_a_key_sts_never_issued_finds_nothing(aws: Clients) -> None:
    # WHEN an unknown access key is looked up THEN there is no session
    assert find_session("ASIANEVERISSUED0000") is None
