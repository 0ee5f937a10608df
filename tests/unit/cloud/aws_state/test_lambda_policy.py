"""A function's resource policy read from moto's Lambda state; no function or no policy allows nothing."""

from __future__ import annotations

from fogbank.cloud.aws_state.lambda_policy import resource_policy

from ..conftest import ACCOUNT, Clients, lambda_role, zip_of


def _function(aws: Clients, region: str) -> None:
    aws("lambda", region).create_function(
        FunctionName="fn",
        Runtime="python3.11",
        Role=lambda_role(aws, f"role-{region}"),
        Handler="app.handler",
        Code={"ZipFile": zip_of({"app.py": "def handler(e, c): return e"})},
    )


def test_the_policy_of_a_function_named_by_name_or_by_an_arn_of_another_region(aws: Clients) -> None:
    # GIVEN a function in eu-west-1 that API Gateway may invoke
    _function(aws, "eu-west-1")
    aws("lambda", "eu-west-1").add_permission(
        FunctionName="fn",
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )

    # WHEN it is read by name in its region, and by ARN with the other region as default
    by_name = resource_policy("fn", account_id=ACCOUNT, region="eu-west-1")
    by_arn = resource_policy(
        f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:fn", account_id=ACCOUNT, region="us-east-1"
    )

    # THEN both are its policy: the ARN's own region wins
    assert [s["Sid"] for s in by_name["Statement"]] == ["apigw"]
    assert by_arn == by_name


def test_no_function_or_no_policy_is_an_empty_policy(aws: Clients) -> None:
    # GIVEN a function without permissions
    _function(aws, "us-east-1")
    # THEN it, and a function that does not exist, have no statement
    assert resource_policy("fn", account_id=ACCOUNT, region="us-east-1") == {"Statement": []}
    assert resource_policy("ghost", account_id=ACCOUNT, region="us-east-1") == {"Statement": []}
