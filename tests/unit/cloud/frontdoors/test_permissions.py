"""Whether a function's resource policy lets a front door invoke it, evaluated as IAM does."""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.cloud.frontdoors.permissions import function_policy, policy_allows

from ..conftest import Clients, lambda_role, zip_of

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:orders"
API = "arn:aws:execute-api:us-east-1:123456789012:abc123"


def _statement(**extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": FUNCTION,
        **extra,
    }


@pytest.mark.parametrize(
    ("statements", "principal", "source_arn", "allowed"),
    [
        (
            [_statement(Condition={"ArnLike": {"AWS:SourceArn": f"{API}/*/*/*"}})],
            "apigateway.amazonaws.com",
            f"{API}/prod/GET/items",
            True,
        ),
        (
            [_statement(Condition={"ArnLike": {"AWS:SourceArn": f"{API}/*/POST/*"}})],
            "apigateway.amazonaws.com",
            f"{API}/prod/GET/items",
            False,
        ),
        ([_statement()], "elasticloadbalancing.amazonaws.com", None, False),
        ([_statement(Principal="*")], "elasticloadbalancing.amazonaws.com", None, True),
        ([_statement(), _statement(Effect="Deny")], "apigateway.amazonaws.com", None, False),
        (
            [_statement(Condition={"StringEquals": {"AWS:SourceAccount": "999999999999"}})],
            "apigateway.amazonaws.com",
            f"{API}/prod/GET/items",
            False,
        ),
        ([], "apigateway.amazonaws.com", None, False),
    ],
)
def test_the_policy_decides_as_iam_does(
    statements: list[dict[str, Any]], principal: str, source_arn: str | None, allowed: bool
) -> None:
    # WHEN a front door asks whether it may invoke the function THEN Deny, conditions and wildcards apply
    assert policy_allows({"Statement": statements}, principal, "lambda:InvokeFunction", source_arn) is allowed


def test_function_url_auth_type_is_a_condition_like_on_aws() -> None:
    # GIVEN the statement CDK writes for a public Function URL
    policy = {
        "Statement": [
            _statement(
                Principal="*",
                Action="lambda:InvokeFunctionUrl",
                Condition={"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
            )
        ]
    }
    # THEN it allows the URL call with auth type NONE only
    allows = lambda auth: policy_allows(  # noqa: E731
        policy, "*", "lambda:InvokeFunctionUrl", context={"lambda:FunctionUrlAuthType": auth}
    )
    assert allows("NONE") and not allows("AWS_IAM")


def test_a_malformed_policy_allows_nothing() -> None:
    assert policy_allows({"Statement": [{"Effect": "Maybe"}]}, "*", "lambda:InvokeFunction") is False


def test_the_policy_is_read_through_the_lambda_api(aws: Clients) -> None:
    # GIVEN a function with one permission, and one without any
    client = aws("lambda")
    for name in ("with", "without"):
        client.create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=lambda_role(aws, f"r-{name}"),
            Handler="a.h",
            Code={"ZipFile": zip_of({"a.py": ""})},
        )
    client.add_permission(
        FunctionName="with",
        StatementId="api",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    # THEN its statements are read back, and a function without a policy has none
    assert [s["Sid"] for s in function_policy(client, "with")["Statement"]] == ["api"]
    assert function_policy(client, "without") == {"Statement": []}
