"""`fogbank layer verify`: per region, a canary function with the published layer reports the version it
imports; the canary and the run's own role are always deleted. IAM and Lambda (AWS) are answered by botocore's
Stubber, which also checks each request against the service model; verifying for real is tested in
tests/integration/layer_release/test_layer_publish_verify.py."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from fogbank.layer_release.library import LayerLibrary
from fogbank.layer_release.verify import LayerVerifier, VerifyResult

LIBRARY = LayerLibrary(distribution="mylib", module="mylib", version="1.2.3")
NAME = "mylib-python311-x86_64"
LAYER_ARN = f"arn:aws:lambda:eu-west-1:123456789012:layer:{NAME}:3"
ROLE_ARN = "arn:aws:iam::123456789012:role/fogbank-layer-canary-x"
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


@pytest.fixture
def stubs() -> Iterator[dict[str, Stubber]]:
    made = {}
    for service, region in (("iam", "us-east-1"), ("lambda", "eu-west-1")):
        client = boto3.client(service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
        made[service] = Stubber(client)
        made[service].activate()
    yield made
    for stubber in made.values():
        stubber.deactivate()


def verifier(stubs: dict[str, Stubber], results: list[VerifyResult] | None = None) -> LayerVerifier:
    return LayerVerifier(
        clients=lambda service, region: stubs[service].client,
        python_version="3.11",
        deadline_seconds=5,
        on_result=None if results is None else results.append,
    )


def role_created(iam: Stubber) -> None:
    role = {"Path": "/", "RoleName": "r", "RoleId": "AROAEXAMPLEID1234567", "Arn": ROLE_ARN,
            "CreateDate": "2024-05-01T00:00:00Z"}  # fmt: skip
    iam.add_response(
        "create_role", {"Role": role}, {"RoleName": ANY, "AssumeRolePolicyDocument": ANY, "Description": ANY}
    )
    iam.add_response("attach_role_policy", {}, {"RoleName": ANY, "PolicyArn": BASIC})


def role_deleted(iam: Stubber) -> None:
    iam.add_response("detach_role_policy", {}, {"RoleName": ANY, "PolicyArn": BASIC})
    iam.add_response("delete_role", {}, {"RoleName": ANY})


def layer_published(lam: Stubber) -> None:
    versions = [
        {
            "LayerVersionArn": LAYER_ARN.replace(":3", ":1"),
            "Version": 1,
            "Description": "mylib 1.2.3 (sha256:aa)",
        },
        {
            "LayerVersionArn": LAYER_ARN.replace(":3", ":2"),
            "Version": 2,
            "Description": "mylib 1.2.2 (sha256:bb)",
        },
        {"LayerVersionArn": LAYER_ARN, "Version": 3, "Description": "mylib 1.2.3 (sha256:cc)"},
    ]
    lam.add_response("list_layer_versions", {"LayerVersions": versions}, {"LayerName": NAME})


def canary_created(lam: Stubber, states: tuple[str, ...] = ("Pending", "Active")) -> None:
    lam.add_response("create_function", {"FunctionName": "c", "State": "Pending"}, {
        "FunctionName": ANY, "Runtime": "python3.11", "Role": ROLE_ARN, "Handler": "canary.handler",
        "Code": {"ZipFile": ANY}, "Layers": [LAYER_ARN], "Architectures": ["x86_64"], "Timeout": 30,
        "MemorySize": 256, "Description": ANY})  # fmt: skip
    for state in states:
        lam.add_response("get_function_configuration", {"State": state}, {"FunctionName": ANY})


def invoked(lam: Stubber, body: dict[str, Any], function_error: str | None = None) -> None:
    data = json.dumps(body).encode()
    answer: dict[str, Any] = {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(data), len(data))}
    if function_error:
        answer["FunctionError"] = function_error
    payload = json.dumps({"distribution": "mylib", "module": "mylib"}).encode()
    lam.add_response("invoke", answer, {"FunctionName": ANY, "Payload": payload})


def test_the_newest_version_of_the_release_is_imported_and_everything_is_deleted(stubs) -> None:
    # GIVEN a role, the release's newest layer version, a canary that becomes Active and reports 1.2.3
    role_created(stubs["iam"])
    layer_published(stubs["lambda"])
    canary_created(stubs["lambda"])
    invoked(stubs["lambda"], {"module": "mylib", "version": "1.2.3"})
    stubs["lambda"].add_response("delete_function", {}, {"FunctionName": ANY})
    role_deleted(stubs["iam"])
    seen: list[VerifyResult] = []
    # WHEN verified
    report = verifier(stubs, seen).verify(LIBRARY, regions=("eu-west-1",), architectures=("x86_64",))
    # THEN it passed with version 3 of the layer, nothing is left behind, and progress saw the result
    (result,) = report.results
    assert report.passed and result.passed and result.reason == "mylib 1.2.3 imported"
    assert (result.layer_arn, result.reported_version, result.left_behind) == (LAYER_ARN, "1.2.3", "nothing")
    assert report.role_left_behind == "nothing" and seen == [result]
    for stubber in stubs.values():
        stubber.assert_no_pending_responses()


def test_another_version_or_an_import_error_fails_and_the_canary_is_still_deleted(stubs) -> None:
    # GIVEN a canary that reports another version
    role_created(stubs["iam"])
    layer_published(stubs["lambda"])
    canary_created(stubs["lambda"], ("Active",))
    invoked(stubs["lambda"], {"version": "1.2.2"})
    stubs["lambda"].add_client_error("delete_function", "TooManyRequestsException", "Rate exceeded")
    role_deleted(stubs["iam"])
    # WHEN verified
    (result,) = verifier(stubs).verify(LIBRARY, regions=("eu-west-1",), architectures=("x86_64",)).results
    # THEN it fails saying both versions, and a canary that could not be deleted is named with the next step
    assert not result.passed and result.reason == "the layer reports mylib 1.2.2, expected 1.2.3"
    assert result.left_behind.startswith("canary function fogbank-layer-canary-x86_64-")
    assert "TooManyRequestsException: Rate exceeded; delete it by hand" in result.left_behind


def test_a_canary_that_cannot_import_the_module_says_why(stubs) -> None:
    # GIVEN a canary whose import fails (Lambda answers with FunctionError and the error document)
    role_created(stubs["iam"])
    layer_published(stubs["lambda"])
    canary_created(stubs["lambda"], ("Active",))
    invoked(stubs["lambda"], {"errorType": "Runtime.ImportModuleError", "errorMessage": "No module named 'mylib'"},
            function_error="Unhandled")  # fmt: skip
    stubs["lambda"].add_response("delete_function", {})
    role_deleted(stubs["iam"])
    # WHEN verified THEN the reason carries Lambda's error type and message
    (result,) = verifier(stubs).verify(LIBRARY, regions=("eu-west-1",), architectures=("x86_64",)).results
    assert (
        result.reason
        == "the canary could not import mylib: Runtime.ImportModuleError: No module named 'mylib'"
    )
    assert result.left_behind == "nothing"


def test_a_new_role_lambda_cannot_assume_yet_is_retried(stubs) -> None:
    # GIVEN Lambda refusing the brand-new role once (IAM propagation on AWS), then accepting it
    role_created(stubs["iam"])
    layer_published(stubs["lambda"])
    stubs["lambda"].add_client_error("create_function", "InvalidParameterValueException",
                                     "The role defined for the function cannot be assumed by Lambda.")  # fmt: skip
    canary_created(stubs["lambda"], ("Active",))
    invoked(stubs["lambda"], {"version": "1.2.3"})
    stubs["lambda"].add_response("delete_function", {})
    role_deleted(stubs["iam"])
    # WHEN verified THEN the second create works and the check passes
    report = verifier(stubs).verify(LIBRARY, regions=("eu-west-1",), architectures=("x86_64",))
    assert report.passed


def test_a_region_without_the_release_says_to_publish_first_and_creates_nothing(stubs) -> None:
    # GIVEN a region where the layer does not exist
    role_created(stubs["iam"])
    stubs["lambda"].add_client_error("list_layer_versions", "ResourceNotFoundException")
    role_deleted(stubs["iam"])
    # WHEN verified THEN it fails with the next step, and no canary was made
    (result,) = verifier(stubs).verify(LIBRARY, regions=("eu-west-1",), architectures=("x86_64",)).results
    assert (
        result.reason
        == f"no version of layer {NAME} holds mylib 1.2.3; run `fogbank layer publish` for this region first"
    )
    assert result.left_behind == "nothing"
    stubs["lambda"].assert_no_pending_responses()


def test_without_a_canary_role_every_region_fails_with_the_reason(stubs) -> None:
    # GIVEN an account where the role cannot be created
    stubs["iam"].add_client_error("create_role", "AccessDenied", "not authorized to perform iam:CreateRole")
    # WHEN two regions are verified
    report = verifier(stubs).verify(LIBRARY, regions=("eu-west-1", "us-east-1"), architectures=("x86_64",))
    # THEN each fails with the role's error and nothing is left behind
    assert not report.passed and [r.region for r in report.results] == ["eu-west-1", "us-east-1"]
    assert all("cannot create the canary role fogbank-layer-canary-" in r.reason for r in report.results)
    assert all("AccessDenied: not authorized to perform iam:CreateRole" in r.reason for r in report.results)
    assert report.role_left_behind == "nothing"
