"""The global condition keys of a request, per kind of principal (keys lower-cased, values as tuples)."""

from __future__ import annotations

import time

from fogbank.cloud.iam.principals import Principal
from fogbank.cloud.iam.request_context import global_context


def test_an_assumed_role_session_is_known_by_its_role() -> None:
    # GIVEN a function's session, called from a known address and user agent
    before = int(time.time())
    context = global_context(
        Principal.assumed_role("123456789012", "AROA1", "Worker", "my-fn"),
        region="eu-west-1",
        source_ip="127.0.0.2",
        user_agent="Boto3/1.35",
        resource_account="123456789012",
    )

    # THEN aws:PrincipalArn is the role's (not the session's), and the other keys are AWS's
    assert context["aws:principalarn"] == ("arn:aws:iam::123456789012:role/Worker",)
    assert context["aws:principaltype"] == ("AssumedRole",)
    assert context["aws:userid"] == ("AROA1:my-fn",)
    assert context["aws:requestedregion"] == ("eu-west-1",)
    assert context["aws:sourceip"] == ("127.0.0.2",)
    assert context["aws:useragent"] == ("Boto3/1.35",)
    assert context["aws:securetransport"] == ("true",)
    assert context["aws:principalisawsservice"] == ("false",)
    assert context["aws:resourceaccount"] == ("123456789012",)
    assert "aws:username" not in context and "aws:sourcearn" not in context
    # AND the time keys are now, in IAM's formats
    assert int(context["aws:epochtime"][0]) >= before
    assert time.strptime(context["aws:currenttime"][0], "%Y-%m-%dT%H:%M:%SZ")


def test_a_user_has_a_username_and_the_admin_is_an_account() -> None:
    # WHEN the contexts of an IAM user and of the test process are built
    user = global_context(Principal.user("123456789012", "AIDA1", "alice"), region="us-east-1")
    admin = global_context(Principal.admin("123456789012"), region="us-east-1")
    # THEN the user has aws:username and type User; the administrator is the Account, without a username
    assert (user["aws:username"], user["aws:principaltype"]) == (("alice",), ("User",))
    assert admin["aws:principaltype"] == ("Account",) and "aws:username" not in admin
    assert "aws:useragent" not in admin


def test_a_service_acting_for_a_resource_has_its_source_and_no_principal_arn() -> None:
    # GIVEN API Gateway invoking a function on behalf of an API, with a service-specific key
    context = global_context(
        Principal.service_principal("apigateway.amazonaws.com", "123456789012"),
        region="us-east-1",
        source_arn="arn:aws:execute-api:us-east-1:123456789012:abc/*",
        source_account="123456789012",
        extra={"lambda:functionarn": ("arn:aws:lambda:us-east-1:123456789012:function:f",)},
    )
    # THEN the service's own keys are set, the principal keys of an identity are absent, extra keys are added
    assert context["aws:principalservicename"] == ("apigateway.amazonaws.com",)
    assert context["aws:principalisawsservice"] == ("true",)
    assert context["aws:principaltype"] == ("Service",)
    assert "aws:principalarn" not in context and "aws:principalaccount" not in context
    assert context["aws:sourcearn"] == ("arn:aws:execute-api:us-east-1:123456789012:abc/*",)
    assert context["aws:sourceaccount"] == ("123456789012",)
    assert context["lambda:functionarn"] == ("arn:aws:lambda:us-east-1:123456789012:function:f",)
