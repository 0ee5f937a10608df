"""SigV4 verification of requests to IAM-protected front doors, against signatures made by botocore.

Nothing is mocked: signatures come from botocore's signers, secrets from the local cloud's IAM state.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.cloud.frontdoors.events.identity import CallerIdentity
from fogbank.cloud.frontdoors.http import HttpRequest
from fogbank.cloud.frontdoors.sigv4 import SignatureRejected, verify_sigv4

HOST = "abc123.execute-api.us-east-1.amazonaws.com"


def _signed(
    url: str,
    method: str = "POST",
    body: bytes = b'{"a": 1}',
    key: str = "testing",
    secret: str = "testing",
    service: str = "execute-api",
    region: str = "us-east-1",
) -> HttpRequest:
    aws = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(key, secret), service, region).add_auth(aws)
    return _received(aws)


def _received(aws: AWSRequest) -> HttpRequest:
    parts = urlsplit(aws.url)
    headers = [("Host", parts.netloc), *((k, v) for k, v in aws.headers.items())]
    body = aws.body if isinstance(aws.body, bytes) else (aws.body or "").encode()
    return HttpRequest(aws.method, parts.path, parts.query, headers, body, scheme="https", port=443)


def _verify(request: HttpRequest, service: str = "execute-api") -> CallerIdentity:
    return verify_sigv4(request, service=service, region="us-east-1", account_id="123456789012")


def test_botocore_signature_is_accepted() -> None:
    # GIVEN a request signed by botocore with the local cloud's credentials, with an encoded path and query
    request = _signed(f"https://{HOST}/prod/items/a%20b?z=1&a=x%2Fy&a=2")
    # WHEN verified, THEN the caller is the account root
    caller = _verify(request)
    assert caller.user_arn == "arn:aws:iam::123456789012:root"


def test_tampered_body_or_wrong_secret_is_rejected() -> None:
    # GIVEN a signed request whose body changed afterwards, and one signed with a wrong secret
    good = _signed(f"https://{HOST}/prod/")
    tampered = HttpRequest(
        good.method, good.raw_path, good.raw_query, good.headers, b'{"a": 2}', scheme="https"
    )
    wrong = _signed(f"https://{HOST}/prod/", secret="not-the-secret")
    for request in (tampered, wrong):
        # WHEN verified, THEN the signature does not match
        with pytest.raises(SignatureRejected) as info:
            _verify(request)
        assert (
            info.value.reason == "invalid" and "signature we calculated does not match" in info.value.message
        )
        assert info.value.error_type == "InvalidSignatureException"


def test_unsigned_unknown_key_and_wrong_service() -> None:
    # GIVEN an unsigned request, one signed with an unknown key, and one signed for another service
    unsigned = HttpRequest("GET", "/prod/", "", [("Host", HOST)], b"")
    unknown = _signed(f"https://{HOST}/prod/", key="AKIAUNKNOWN000000000")
    other_service = _signed(f"https://{HOST}/prod/", service="lambda")
    # WHEN verified, THEN each is rejected for its own reason
    reasons = []
    for request in (unsigned, unknown, other_service):
        with pytest.raises(SignatureRejected) as info:
            _verify(request)
        reasons.append(info.value.reason)
    assert reasons == ["missing", "unknown_key", "invalid"]


def test_expired_signature() -> None:
    # GIVEN a request signed 20 minutes ago
    request = _signed(f"https://{HOST}/prod/")
    later = datetime.now(UTC) + timedelta(minutes=20)
    # WHEN verified now, THEN it has expired
    with pytest.raises(SignatureRejected) as info:
        verify_sigv4(request, service="execute-api", region="us-east-1", account_id="123456789012", now=later)
    assert info.value.reason == "expired" and info.value.message.startswith("Signature expired")


def test_presigned_url_is_accepted() -> None:
    # GIVEN a URL presigned by botocore for a Function URL
    aws = AWSRequest(method="GET", url="https://u1.lambda-url.us-east-1.on.aws/path?x=1")
    SigV4QueryAuth(Credentials("testing", "testing"), "lambda", "us-east-1", expires=60).add_auth(aws)
    # WHEN verified, THEN it passes
    assert _verify(_received(aws), service="lambda").access_key == "testing"
