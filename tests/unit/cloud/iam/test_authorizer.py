"""One authorization per request, on moto's in-process IAM state: signer, policies, mode and the answer.

Requests are signed with botocore's own SigV4 signer, as boto3 inside a function signs them.
"""

from __future__ import annotations

import json

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.cloud.iam.authorizer import Authorizer
from fogbank.cloud.iam.identity import CredentialDirectory
from fogbank.cloud.router import AwsRequest

from ..conftest import ACCOUNT, Clients, lambda_role

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _signed(
    keys: Credentials, service: str, body: bytes, headers: dict[str, str] | None = None
) -> AwsRequest:
    sent = AWSRequest(
        "POST", "http://127.0.0.1:4566/", data=body, headers={"Host": "127.0.0.1:4566", **(headers or FORM)}
    )
    SigV4Auth(keys, service, "us-east-1").add_auth(sent)
    return AwsRequest.build("POST", "/", dict(sent.headers), body, service=service, region="us-east-1")


def _function_keys(aws: Clients, directory: CredentialDirectory, policy: dict | None = None) -> Credentials:  # type: ignore[type-arg]
    role_arn = lambda_role(aws, "Worker")
    if policy is not None:
        aws("iam").put_role_policy(RoleName="Worker", PolicyName="p", PolicyDocument=json.dumps(policy))
    env = directory.function_environment("my-fn", role_arn, "us-east-1")
    return Credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"])


def _allow(action: str) -> dict:  # type: ignore[type-arg]
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def test_a_function_allowed_by_its_role_goes_through(aws: Clients) -> None:
    # GIVEN a function whose role allows sqs:ListQueues
    directory = CredentialDirectory(ACCOUNT)
    keys = _function_keys(aws, directory, _allow("sqs:ListQueues"))
    # WHEN it lists queues THEN the request goes on to the service, and nothing is recorded
    authorizer = Authorizer(directory, "enforce")
    assert authorizer.authorize(_signed(keys, "sqs", b"Action=ListQueues")) is None
    assert authorizer.findings.findings() == []


def test_enforce_denies_as_the_service_does_and_warn_records_it_once(aws: Clients) -> None:
    # GIVEN a function whose role allows nothing, and a function log that collects IAM notes
    directory = CredentialDirectory(ACCOUNT)
    keys = _function_keys(aws, directory)
    request = _signed(keys, "sqs", b"Action=ListQueues")
    logged: list[tuple[str, str]] = []

    # WHEN enforce and warn modes authorize the same request (warn twice)
    denied = Authorizer(directory, "enforce").authorize(request)
    warn = Authorizer(directory, "warn", function_log=lambda name, line: logged.append((name, line)))
    answers = [warn.authorize(request), warn.authorize(request)]

    # THEN enforce answers SQS's AccessDenied naming the session and the action in SQS's spelling
    assert denied is not None and denied.status == 403
    body = denied.body.decode()
    assert "<Code>AccessDenied</Code>" in body and "sqs:listqueues" in body
    assert f"arn:aws:sts::{ACCOUNT}:assumed-role/Worker/my-fn" in body
    # AND warn lets it through, counting it twice but telling the function's log once
    assert answers == [None, None]
    ((finding, count),) = warn.findings.findings()
    assert (finding.kind, finding.action, count) == ("would_deny", "sqs:ListQueues", 2)
    assert len(logged) == 1 and logged[0][0] == "my-fn" and logged[0][1].startswith("[fogbank iam]")


def test_a_cloud_issued_key_with_a_bad_signature_is_refused(aws: Clients) -> None:
    # GIVEN a function's key, and a request whose body changed after signing
    directory = CredentialDirectory(ACCOUNT)
    keys = _function_keys(aws, directory, _allow("*"))
    signed = _signed(keys, "sqs", b"Action=ListQueues")
    tampered = AwsRequest.build("POST", "/", dict(signed.headers), b"Action=DeleteQueue", service="sqs")
    # WHEN it is authorized THEN the signature is refused, even though the role allows everything
    answer = Authorizer(directory, "enforce").authorize(tampered)
    assert answer is not None and answer.status == 403
    assert b"SignatureDoesNotMatch" in answer.body


def test_the_administrator_is_checked_only_against_resource_policies(aws: Clients) -> None:
    # GIVEN the test process's own key, and a bucket whose policy denies everyone GetObject
    aws("s3").create_bucket(Bucket="locked")
    deny = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::locked/*",
            }
        ]
    }
    aws("s3").put_bucket_policy(Bucket="locked", Policy=json.dumps(deny))
    admin = Credentials("testing", "testing")
    authorizer = Authorizer(CredentialDirectory(ACCOUNT), "enforce")

    # WHEN it calls SQS (no resource policies there) and reads an object of the locked bucket
    sqs = authorizer.authorize(_signed(admin, "sqs", b"Action=ListQueues"))
    sent = AWSRequest("GET", "http://127.0.0.1:4566/locked/key.txt", headers={"Host": "127.0.0.1:4566"})
    SigV4Auth(admin, "s3", "us-east-1").add_auth(sent)
    s3 = authorizer.authorize(
        AwsRequest.build("GET", "/locked/key.txt", dict(sent.headers), b"", service="s3")
    )

    # THEN SQS goes through, and the bucket policy's Deny applies to the administrator too (S3 quotes the ARN)
    assert sqs is None
    assert s3 is not None and s3.status == 403
    assert b'on resource: "arn:aws:s3:::locked/key.txt"' in s3.body


@pytest.mark.parametrize("mode", ["off", "enforce"])
def test_unsigned_requests_and_mode_off_are_not_evaluated(aws: Clients, mode: str) -> None:
    # GIVEN an unsigned request (S3's anonymous reads) / WHEN authorized THEN it is not evaluated
    request = AwsRequest.build("GET", "/bucket/key", {}, b"", service="s3")
    assert Authorizer(CredentialDirectory(ACCOUNT), mode).authorize(request) is None  # type: ignore[arg-type]


def test_an_operation_that_cannot_be_mapped_is_recorded_as_not_checked(aws: Clients) -> None:
    # GIVEN a function's signed request to an operation the dataset does not know
    directory = CredentialDirectory(ACCOUNT)
    keys = _function_keys(aws, directory)
    authorizer = Authorizer(directory, "enforce")
    # WHEN it is authorized THEN it goes through, and is reported as not checked (never silently allowed)
    assert authorizer.authorize(_signed(keys, "sqs", b"Action=NoSuchOperation")) is None
    ((finding, _),) = authorizer.findings.findings()
    assert finding.kind == "not_checked"
