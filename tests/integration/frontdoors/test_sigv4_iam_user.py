"""SigV4 verification with an IAM user's access key, created through a running local cloud's IAM API."""

from __future__ import annotations

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.cloud.frontdoors.events.identity import CallerIdentity
from fogbank.cloud.frontdoors.http import HttpRequest
from fogbank.cloud.frontdoors.sigv4 import verify_sigv4
from fogbank.cloud.server import LocalCloud

HOST = "abc123.execute-api.us-east-1.amazonaws.com"


def _signed(url: str, key: str, secret: str) -> HttpRequest:
    aws = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials(key, secret), "execute-api", "us-east-1").add_auth(aws)
    return HttpRequest("GET", "/prod/", "", [("Host", HOST), *aws.headers.items()], b"", scheme="https")


def _verify(request: HttpRequest) -> CallerIdentity:
    return verify_sigv4(request, service="execute-api", region="us-east-1", account_id="123456789012")


def test_iam_user_access_key_is_verified_with_its_secret() -> None:
    # GIVEN an IAM user with an access key, created through a running local cloud's IAM API
    with LocalCloud() as cloud:
        iam = cloud.client("iam")
        iam.create_user(UserName="tester")
        key = iam.create_access_key(UserName="tester")["AccessKey"]
        request = _signed(f"https://{HOST}/prod/", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
        # WHEN verified, THEN the caller is that user
        caller = _verify(request)
    assert caller.user_arn.endswith(":user/tester")
