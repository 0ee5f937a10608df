"""AWS's evaluation logic: explicit Deny wins, an Allow is needed, resource policies, KMS delegation."""

from __future__ import annotations

from typing import Any

from fogbank.cloud.iam.evaluator import AccessRequest, evaluate
from fogbank.cloud.iam.policy import PolicyDocument, parse_policy
from fogbank.cloud.iam.principals import Principal

ACCOUNT = "123456789012"
ROLE = Principal.assumed_role(ACCOUNT, "AROAEXAMPLE", "AppRole", "my-function")
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders"
BUCKET_OBJECT = "arn:aws:s3:::assets/reports/2026.csv"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd"


def policy(*statements: dict[str, Any]) -> PolicyDocument:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)})


def ask(action: str, resource: str, principal: Principal = ROLE, **context: str) -> AccessRequest:
    return AccessRequest(principal, action, resource, {k.lower(): (v,) for k, v in context.items()})


def test_an_action_no_policy_allows_is_denied_with_the_identity_reason() -> None:
    # GIVEN a role that may only read the table
    read = policy({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": TABLE})
    # WHEN it writes
    request = ask("dynamodb:PutItem", TABLE)
    decision = evaluate(request, [read])
    # THEN it is denied, and the message is AWS's
    assert decision.reason == "no_identity_allow"
    assert decision.explain(request) == (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/AppRole/my-function is not authorized to perform: "
        f"dynamodb:PutItem on resource: {TABLE} because no identity-based policy allows the dynamodb:PutItem action"
    )
    # AND reading is allowed
    assert evaluate(ask("dynamodb:GetItem", TABLE), [read]).allowed


def test_an_explicit_deny_wins_over_any_allow() -> None:
    # GIVEN an Allow of everything and a Deny of deletes, in two policies
    everything = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    no_delete = policy({"Effect": "Deny", "Action": "dynamodb:Delete*", "Resource": "*"})
    # WHEN the role deletes
    decision = evaluate(ask("dynamodb:DeleteItem", TABLE), [everything, no_delete])
    # THEN the Deny wins
    assert decision.reason == "explicit_deny_identity"


def test_not_action_allows_everything_but_the_listed_actions() -> None:
    # GIVEN an Allow with NotAction iam:*
    all_but_iam = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    # WHEN / THEN a DynamoDB call is allowed, an IAM call is not
    assert evaluate(ask("dynamodb:PutItem", TABLE), [all_but_iam]).allowed
    assert not evaluate(ask("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/x"), [all_but_iam]).allowed


def test_not_resource_and_resource_wildcards() -> None:
    # GIVEN object access under one prefix, and everything except one bucket
    prefix = policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/reports/*"}
    )
    not_secret = policy({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret*"})
    # WHEN / THEN the wildcard covers nested keys, and NotResource excludes the named bucket
    assert evaluate(ask("s3:GetObject", BUCKET_OBJECT), [prefix]).allowed
    assert not evaluate(ask("s3:GetObject", "arn:aws:s3:::assets/other.csv"), [prefix]).allowed
    assert evaluate(ask("s3:GetObject", BUCKET_OBJECT), [not_secret]).allowed
    assert not evaluate(ask("s3:GetObject", "arn:aws:s3:::secret-bucket/k"), [not_secret]).allowed


def test_arn_wildcards_stay_within_their_segment() -> None:
    # GIVEN a resource pattern with a wildcard region and account
    any_region = policy(
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:*:*:table/Orders"}
    )
    # WHEN / THEN another region matches, but a wildcard cannot swallow a segment boundary
    assert evaluate(ask("dynamodb:GetItem", TABLE.replace("us-east-1", "eu-west-1")), [any_region]).allowed
    assert not evaluate(ask("dynamodb:GetItem", TABLE + "Archive"), [any_region]).allowed


def test_a_bucket_policy_deny_applies_even_when_the_role_allows() -> None:
    # GIVEN a role allowed s3:* and a bucket policy denying it GetObject
    allow_all = policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    bucket = policy(
        {
            "Effect": "Deny",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/AppRole"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::assets/*",
        }
    )
    # WHEN the role reads an object
    decision = evaluate(ask("s3:GetObject", BUCKET_OBJECT), [allow_all], bucket, resource_account=ACCOUNT)
    # THEN the resource policy's Deny wins
    assert decision.reason == "explicit_deny_resource"


def test_in_one_account_a_resource_policy_alone_can_allow() -> None:
    # GIVEN a role with no policies and a queue policy naming the role
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"
    queue_policy = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": ROLE.role_arn},
            "Action": "sqs:SendMessage",
            "Resource": queue,
        }
    )
    # WHEN it sends a message
    # THEN the resource policy is enough
    assert evaluate(ask("sqs:SendMessage", queue), [], queue_policy, resource_account=ACCOUNT).allowed


def test_a_resource_policy_naming_the_account_only_delegates_to_identity_policies() -> None:
    # GIVEN a bucket policy allowing the account root (not the role)
    bucket = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "s3:*",
            "Resource": "*",
        }
    )
    # WHEN a role without identity policies reads
    # THEN it is denied: naming the account grants nothing by itself
    assert not evaluate(ask("s3:GetObject", BUCKET_OBJECT), [], bucket, resource_account=ACCOUNT).allowed


def test_a_key_policy_that_leaves_the_function_out_denies_despite_an_identity_allow() -> None:
    # GIVEN a role allowed kms:* and a key policy naming only an admin role
    allow_kms = policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"})
    key_policy = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/KeyAdmin"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    # WHEN the role decrypts
    request = ask("kms:Decrypt", KEY)
    decision = evaluate(
        request, [allow_kms], key_policy, resource_account=ACCOUNT, resource_policy_required=True
    )
    # THEN the key policy decides: no resource-based policy allows it
    assert decision.reason == "no_resource_allow"
    assert decision.explain(request).endswith(
        "because no resource-based policy allows the kms:Decrypt action"
    )


def test_the_default_key_policy_delegates_to_iam() -> None:
    # GIVEN the default key policy (the account root may do kms:*)
    default = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    allow_decrypt = policy({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY})
    # WHEN / THEN an identity Allow decides, and without one the role is denied
    assert evaluate(ask("kms:Decrypt", KEY), [allow_decrypt], default, resource_policy_required=True).allowed
    denied = evaluate(ask("kms:Decrypt", KEY), [], default, resource_policy_required=True)
    assert denied.reason == "no_identity_allow"


def test_the_administrator_is_allowed_unless_a_resource_policy_denies() -> None:
    # GIVEN the test process (the account's administrator) and a bucket policy denying everyone deletes
    admin = Principal.admin(ACCOUNT)
    bucket = policy(
        {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::assets"}
    )
    # WHEN / THEN it may read, and may not delete the bucket
    assert evaluate(ask("s3:GetObject", BUCKET_OBJECT, admin), [], bucket, resource_account=ACCOUNT).allowed
    denied = evaluate(
        ask("s3:DeleteBucket", "arn:aws:s3:::assets", admin), [], bucket, resource_account=ACCOUNT
    )
    assert denied.reason == "explicit_deny_resource"


def test_a_service_principal_with_a_source_arn_condition() -> None:
    # GIVEN a function policy letting SNS invoke it only from one topic
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f"
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:orders"
    function_policy = policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": function,
            "Condition": {"ArnLike": {"AWS:SourceArn": topic}},
        }
    )
    sns = Principal.service_principal("sns.amazonaws.com", ACCOUNT)
    # WHEN / THEN that topic may invoke, another may not
    assert evaluate(
        ask("lambda:InvokeFunction", function, sns, **{"aws:SourceArn": topic}), [], function_policy
    ).allowed
    other = ask("lambda:InvokeFunction", function, sns, **{"aws:SourceArn": topic + "-other"})
    assert not evaluate(other, [], function_policy).allowed


def test_cross_account_needs_both_sides() -> None:
    # GIVEN a role of another account allowed by its identity policy, and a bucket with no policy
    stranger = Principal.assumed_role("210987654321", "AROAOTHER", "Other", "s")
    allow = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    # WHEN it reads a bucket of this account
    decision = evaluate(ask("s3:GetObject", BUCKET_OBJECT, stranger), [allow], None, resource_account=ACCOUNT)
    # THEN the resource side is missing
    assert decision.reason == "no_resource_allow"
