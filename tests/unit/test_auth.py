from __future__ import annotations

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.auth import build_iam_auth
from fogbank.errors import TargetError


def test_build_iam_auth_signs_with_the_region_of_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN credentials in the environment (no AWS call is made; signing is local)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    url = "https://abc.execute-api.eu-west-1.amazonaws.com/prod/items"
    # WHEN a request is prepared with the auth
    prepared = requests.Request("POST", url, json={"a": 1}, auth=build_iam_auth(url, "execute-api")).prepare()
    # THEN it carries a SigV4 signature scoped to the URL's region and the service
    authorization = prepared.headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in authorization
    assert "X-Amz-Date" in prepared.headers


def test_a_url_without_a_region_is_signed_for_the_configured_region(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN credentials and a configured region, and a URL whose host names no region (a local front door)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    url = "http://127.0.0.1:4566/prod/items"
    # WHEN a request is prepared with the auth
    auth = build_iam_auth(url, "lambda")
    prepared = requests.Request("GET", url, auth=auth).prepare()
    # THEN the signature is scoped to the configured region and the given service
    assert auth.region == "ap-southeast-2"
    assert "/ap-southeast-2/lambda/aws4_request" in prepared.headers["Authorization"]


def _signature_botocore_computes(url: str, body: bytes, amz_date: str, region: str, service: str) -> str:
    request = AWSRequest(method="POST", url=url, data=body, headers={"X-Amz-Date": amz_date})
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), service, region)
    return signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)


def test_the_signature_is_sigv4_over_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN fixed credentials and a POST with a str body
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    url = "https://abc.lambda-url.us-east-1.on.aws/orders"
    # WHEN it is signed
    prepared = requests.Request("POST", url, data="one", auth=build_iam_auth(url, "lambda")).prepare()
    # THEN the signature is the one botocore computes for that body (as UTF-8 bytes) at that time
    signature = prepared.headers["Authorization"].rsplit("Signature=", 1)[1]
    amz_date = prepared.headers["X-Amz-Date"]
    assert signature == _signature_botocore_computes(url, b"one", amz_date, "us-east-1", "lambda")
    # AND not the one for another body (a front door verifying it would refuse a changed body)
    assert signature != _signature_botocore_computes(url, b"two", amz_date, "us-east-1", "lambda")


def test_missing_credentials_name_the_url_and_the_variables_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    # GIVEN no credentials anywhere botocore looks (env, empty config files, no instance metadata)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE", raising=False)
    # WHEN auth is built
    # THEN a TargetError names the URL and what to set
    with pytest.raises(
        TargetError, match=r"no AWS credentials to sign requests to https://x\.example/.*AWS_ACCESS_KEY_ID"
    ):
        build_iam_auth("https://x.example/", "execute-api")


def test_missing_region_names_the_url_and_the_variables_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    # GIVEN credentials but no region in the URL nor in the configuration
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # WHEN auth is built THEN a TargetError says which variable to set
    with pytest.raises(
        TargetError, match=r"no AWS region to sign requests to http://127\.0\.0\.1/.*AWS_REGION"
    ):
        build_iam_auth("http://127.0.0.1/", "lambda")
