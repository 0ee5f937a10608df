"""SigV4 signing for `requests` calls to IAM-protected front doors (API Gateway with IAM auth, Function URLs).

Credentials and region come from botocore's default chain (env, profile, container/instance roles).

Example:
    >>> import requests
    >>> from botocore.credentials import Credentials
    >>> auth = IamAuth(Credentials("AKIDEXAMPLE", "secret"), "us-east-1", "lambda")
    >>> signed = auth(requests.Request("GET", "https://abc.lambda-url.us-east-1.on.aws/").prepare())
    >>> signed.headers["Authorization"].split("/", 1)[0]
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE'

Example (skipped as a doctest: it needs AWS credentials and a deployed Function URL):
    >>> auth = build_iam_auth(url="https://abc.lambda-url.us-east-1.on.aws/", aws_service="lambda")  # doctest: +SKIP
    >>> requests.get("https://abc.lambda-url.us-east-1.on.aws/", auth=auth)  # doctest: +SKIP
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import botocore.session
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.errors import TargetError

__all__ = ["IamAuth", "build_iam_auth"]

_REGION_IN_HOST = re.compile(r"\.(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d)\.")


class IamAuth(requests.auth.AuthBase):
    """A requests auth that signs each request with SigV4 for `service` in `region`."""

    def __init__(self, credentials: Credentials, region: str, service: str) -> None:
        self.credentials = credentials
        self.region = region
        self.service = service

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body if request.body is not None else b""
        if isinstance(body, str):
            body = body.encode()
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("connection", "content-length")
        }
        aws_request = AWSRequest(method=request.method, url=request.url, data=body, headers=headers)
        SigV4Auth(self.credentials.get_frozen_credentials(), self.service, self.region).add_auth(aws_request)
        request.headers.update(dict(aws_request.headers.items()))
        return request


def build_iam_auth(url: str, aws_service: str) -> IamAuth:
    """SigV4 auth for calls to `url` signed for `aws_service` ("execute-api", "lambda", ...).

    The region is the one in the URL's host when it has one, else botocore's configured region.
    """
    session = botocore.session.Session()
    credentials = session.get_credentials()
    if credentials is None:
        raise TargetError(
            f"no AWS credentials to sign requests to {url}; set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile"
        )
    match = _REGION_IN_HOST.search("." + (urlparse(url).hostname or "") + ".")
    region = match.group("region") if match else session.get_config_variable("region")
    if not region:
        raise TargetError(f"no AWS region to sign requests to {url}; set AWS_REGION or AWS_DEFAULT_REGION")
    return IamAuth(credentials, region, aws_service)
