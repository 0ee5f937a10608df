"""Where the evaluator's policies come from: the principal's identity policies and the resource's policy.

AWS-managed policies that CDK and SAM attach are shipped as data (`data/aws_managed_policies.json`, the
documents AWS publishes); every other document is read from the services' state through `aws_state`.

Example:
    >>> managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").statements[0].actions
    ('logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents')
"""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from fogbank.cloud.aws_state import iam_policies
from fogbank.cloud.iam.policy import PolicyDocument, PolicyError, parse_policy
from fogbank.cloud.iam.principals import Principal

__all__ = [
    "ResourcePolicy",
    "identity_policies",
    "managed_policy",
    "resource_policy",
    "shipped_managed_policies",
]


@dataclass(frozen=True)
class ResourcePolicy:
    """A resource's policy, the account owning the resource, and whether it must allow (KMS, trust)."""

    document: PolicyDocument | None
    account_id: str
    required: bool = False


@cache
def shipped_managed_policies() -> dict[str, Any]:
    """ARN -> {"DefaultVersionId", "Document"} of the AWS-managed policies fogbank ships."""
    path = importlib.resources.files("fogbank.cloud.iam") / "data" / "aws_managed_policies.json"
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


@cache
def managed_policy(arn: str) -> PolicyDocument | None:
    """A shipped AWS-managed policy by ARN, or None (parsed once: the shipped documents never change)."""
    entry = shipped_managed_policies().get(arn)
    return parse_policy(entry["Document"], arn) if entry is not None else None


def _parsed(name: str, text: str) -> PolicyDocument | None:
    shipped = managed_policy(name) if name.startswith("arn:aws:iam::aws:policy/") else None
    if shipped is not None:
        return shipped
    try:
        return parse_policy(text, name)
    except PolicyError:
        return None  # IAM rejects malformed documents on write; one that slipped in grants nothing


def identity_policies(principal: Principal) -> list[PolicyDocument]:
    """The identity-based policies of an assumed-role session or an IAM user; [] for others."""
    if principal.kind == "assumed-role" and principal.role_name is not None:
        found = iam_policies.role_policies(principal.account_id, principal.role_name)
    elif principal.kind == "user" and principal.user_name is not None:
        found = iam_policies.user_policies(principal.account_id, principal.user_name)
    else:
        return []
    return [doc for name, text in found if (doc := _parsed(name, text)) is not None]


def _document(text: str | None, name: str) -> PolicyDocument | None:
    if not text:
        return None
    try:
        return parse_policy(text, name)
    except PolicyError:
        return None


def resource_policy(action: str, resource: str) -> ResourcePolicy | None:
    """The resource-based policy that applies to `resource` for `action`, or None when it has none.

    Covers S3 buckets (and their objects), KMS keys, SQS queues, SNS topics, Secrets Manager secrets,
    Lambda functions, and IAM roles' trust policies (for sts:AssumeRole).
    """
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return None
    service, region, account_id, rest = parts[2], parts[3], parts[4], parts[5]
    if service == "s3":
        bucket = rest.split("/", 1)[0]
        owner = _bucket_owner(bucket)
        return ResourcePolicy(_document(iam_policies.bucket_policy(owner, bucket), f"bucket {bucket}"), owner)
    if service == "kms" and rest.startswith("key/"):
        text = iam_policies.key_policy(region, account_id, resource)
        return ResourcePolicy(_document(text, f"key policy of {resource}"), account_id, required=True)
    if service == "sqs":
        return ResourcePolicy(
            _document(iam_policies.queue_policy(region, account_id, rest), resource), account_id
        )
    if service == "sns":
        return ResourcePolicy(
            _document(iam_policies.topic_policy(region, account_id, resource), resource), account_id
        )
    if service == "secretsmanager":
        return ResourcePolicy(
            _document(iam_policies.secret_policy(region, account_id, resource), resource), account_id
        )
    if service == "lambda" and rest.startswith("function:"):
        return ResourcePolicy(
            _document(iam_policies.function_policy(region, account_id, resource), resource), account_id
        )
    if service == "iam" and rest.startswith("role/") and action.lower().startswith("sts:assumerole"):
        facts = iam_policies.role_facts(account_id, rest.rsplit("/", 1)[-1])
        trust = _document(facts.trust_policy, f"trust policy of {resource}") if facts else None
        return ResourcePolicy(trust, account_id, required=True)
    return None


def _bucket_owner(bucket: str) -> str:
    return iam_policies.bucket_owner(bucket)
