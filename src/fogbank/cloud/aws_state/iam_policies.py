"""Policy documents read from moto's state (pinned 5.2.5), for the local cloud's IAM evaluation.

Identity policies of roles and users (inline, attached managed, and the user's groups'), the trust policy
of a role, and the resource policies of S3 buckets, KMS keys, SQS queues, SNS topics, Secrets Manager
secrets and Lambda functions. Each returns JSON text exactly as stored (or None when there is none);
parsing and caching are the IAM component's business.

Example:
    >>> from moto.iam.models import iam_backends
    >>> iam = iam_backends["123456789012"]["global"]
    >>> _ = iam.create_role("DocRole", "{}", "/", None, "", [], None)  # what CreateRole stores
    >>> statement = '{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}'
    >>> document = '{"Version": "2012-10-17", "Statement": [%s]}' % statement
    >>> iam.put_role_policy("DocRole", "Default", document)
    >>> role_policies("123456789012", "DocRole") == [("inline:Default", document)]
    True
    >>> role_policies("123456789012", "NoSuchRole")
    []
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

__all__ = [
    "RoleFacts",
    "bucket_owner",
    "bucket_policy",
    "function_policy",
    "key_policy",
    "kms_key_arn",
    "kms_key_of_ciphertext",
    "queue_policy",
    "role_facts",
    "role_policies",
    "secret_arn",
    "secret_policy",
    "topic_policy",
    "user_policies",
]


@dataclass(frozen=True)
class RoleFacts:
    """What a session of a role needs: its id, path and trust policy."""

    name: str
    role_id: str
    path: str
    arn: str
    trust_policy: str


def _iam(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id]["global"]


def _managed_document(policy: Any) -> str:
    for version in policy.versions:
        if version.version_id == policy.default_version_id:
            return str(version.document)
    return str(policy.versions[-1].document)


def _entity_policies(entity: Any) -> list[tuple[str, str]]:
    found = [(f"inline:{name}", str(text)) for name, text in list(entity.policies.items())]
    found += [(arn, _managed_document(policy)) for arn, policy in list(entity.managed_policies.items())]
    return found


def role_facts(account_id: str, role_name: str) -> RoleFacts | None:
    """The role named `role_name`, or None when the account has no such role."""
    for role in list(_iam(account_id).roles.values()):
        if role.name == role_name:
            return RoleFacts(role.name, role.id, role.path, role.arn, str(role.assume_role_policy_document))
    return None


def role_policies(account_id: str, role_name: str) -> list[tuple[str, str]]:
    """(policy name or ARN, document) for every identity policy of the role; [] when it does not exist."""
    for role in list(_iam(account_id).roles.values()):
        if role.name == role_name:
            return _entity_policies(role)
    return []


def user_policies(account_id: str, user_name: str) -> list[tuple[str, str]]:
    """(policy name or ARN, document) of the user and of the groups it belongs to."""
    backend = _iam(account_id)
    user = backend.users.get(user_name)
    if user is None:
        return []
    found = _entity_policies(user)
    for group in list(backend.groups.values()):
        if any(member.name == user_name for member in group.users):
            found += _entity_policies(group)
    return found


def bucket_owner(bucket: str) -> str:
    """The account that owns `bucket` (S3 ARNs carry none); the default account when it does not exist."""
    from moto.s3.models import s3_backends

    for account_id, by_partition in list(s3_backends.items()):
        backend = by_partition.get("aws")
        if backend is not None and bucket in backend.buckets:
            return str(account_id)
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return str(DEFAULT_ACCOUNT_ID)


def bucket_policy(account_id: str, bucket: str) -> str | None:
    from moto.s3.models import s3_backends

    found = s3_backends[account_id]["aws"].buckets.get(bucket)
    if found is None or not found.policy:
        return None
    policy: bytes = found.policy
    return policy.decode("utf-8")


def _kms(account_id: str, region: str) -> Any:
    from moto.kms.models import kms_backends

    return kms_backends[account_id][region]


def kms_key_arn(region: str, account_id: str, key_id: str) -> str | None:
    """The key ARN behind a key id, key ARN, alias name or alias ARN; None when there is no such key."""
    backend = _kms(account_id, region)
    try:
        raw = backend.any_id_to_key_id(key_id)
    except Exception:  # moto raises its own NotFound types for unknown aliases
        return None
    key = backend.keys.get(raw)
    return str(key.arn) if key is not None else None


def kms_key_of_ciphertext(region: str, account_id: str, blob: str) -> str | None:
    """The ARN of the key that produced a (base64) ciphertext blob of moto's format."""
    from moto.kms.utils import _deserialize_ciphertext_blob

    try:
        key_id = _deserialize_ciphertext_blob(base64.b64decode(blob)).key_id
    except (binascii.Error, ValueError, Exception):
        return None
    return kms_key_arn(region, account_id, key_id)


def key_policy(region: str, account_id: str, key_arn: str) -> str | None:
    backend = _kms(account_id, region)
    key = backend.keys.get(key_arn.rsplit("/", 1)[-1])
    return str(key.policy) if key is not None and key.policy else None


def queue_policy(region: str, account_id: str, queue_name: str) -> str | None:
    from moto.sqs.models import sqs_backends

    queue = sqs_backends[account_id][region].queues.get(queue_name)
    if queue is None or not queue.policy:
        return None
    policy = queue.policy
    return policy if isinstance(policy, str) else json.dumps(policy)


def topic_policy(region: str, account_id: str, topic_arn: str) -> str | None:
    from moto.sns.models import sns_backends

    topic = sns_backends[account_id][region].topics.get(topic_arn)
    return str(topic.policy) if topic is not None else None


def _secret(region: str, account_id: str, secret_id: str) -> Any:
    from moto.secretsmanager.models import secretsmanager_backends

    store = secretsmanager_backends[account_id][region].secrets
    try:
        return store.get(secret_id)
    except Exception:  # moto's store raises for malformed ids
        return None


def secret_arn(region: str, account_id: str, secret_id: str) -> str | None:
    secret = _secret(region, account_id, secret_id)
    return str(secret.arn) if secret is not None else None


def secret_policy(region: str, account_id: str, secret_arn_or_name: str) -> str | None:
    secret = _secret(region, account_id, secret_arn_or_name)
    return str(secret.policy) if secret is not None and secret.policy else None


def function_policy(region: str, account_id: str, function_arn: str) -> str | None:
    from fogbank.cloud.aws_state.lambda_policy import resource_policy

    policy = resource_policy(function_arn, account_id=account_id, region=region)
    return json.dumps(policy) if policy.get("Statement") else None
