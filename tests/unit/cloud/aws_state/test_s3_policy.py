"""Bucket policy statements for insecure transport never apply to the local endpoint (loopback, as TLS)."""

from __future__ import annotations

import json

from fogbank.cloud.aws_state.s3_policy import applicable, install

_DENY_HTTP = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def test_secure_transport_conditions_are_evaluated_as_tls() -> None:
    # GIVEN statements conditioned on the transport WHEN judged THEN only the one for TLS applies
    assert applicable(_DENY_HTTP) is False
    assert applicable({**_DENY_HTTP, "Condition": {"Bool": {"aws:SecureTransport": ["true"]}}}) is True
    assert applicable({"Effect": "Allow"}) is True


def test_moto_bucket_permission_ignores_the_cdk_bootstraps_deny_http_statement() -> None:
    # GIVEN a bucket with the CDK bootstrap's policy and another explicit deny
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    install()
    install()  # idempotent
    bucket = FakeBucket("b", account_id="123456789012", region_name="us-east-1")
    deny_delete = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:DeleteObject",
        "Resource": "arn:aws:s3:::b/*",
    }
    bucket.policy = json.dumps({"Version": "2012-10-17", "Statement": [_DENY_HTTP, deny_delete]}).encode()

    # WHEN permissions are asked THEN HTTP's deny does not apply, the unconditional one still does
    assert bucket.get_permission("s3:GetObject", "arn:aws:s3:::b/k") == PermissionResult.NEUTRAL
    assert bucket.get_permission("s3:DeleteObject", "arn:aws:s3:::b/k") == PermissionResult.DENIED
