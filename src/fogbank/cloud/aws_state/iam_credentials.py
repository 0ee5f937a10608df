"""Secret keys of the IAM users' access keys in moto's IAM state, for verifying SigV4 signatures.

moto returns a secret access key only from CreateAccessKey; a server that verifies signatures needs to look
it up by access key id, which no public API offers.

Example:
    >>> from moto.iam.models import iam_backends
    >>> iam = iam_backends["123456789012"]["global"]
    >>> _ = iam.create_user("us-east-1", "doctest-user")
    >>> key = iam.create_access_key("doctest-user")  # what CreateAccessKey stores
    >>> found = find_access_key(key.access_key_id)
    >>> found.user_arn, found.secret_access_key == key.secret_access_key
    ('arn:aws:iam::123456789012:user/doctest-user', True)
    >>> find_access_key("AKIA-NOT-THERE") is None
    True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["StoredAccessKey", "find_access_key"]


@dataclass(frozen=True)
class StoredAccessKey:
    """An active access key of an IAM user, with its secret and owner."""

    access_key_id: str
    secret_access_key: str
    account_id: str
    user_id: str
    user_arn: str


def find_access_key(access_key_id: str) -> StoredAccessKey | None:
    """The active IAM user access key with this id, in any account; None when there is none."""
    from moto.iam.models import iam_backends

    for account_id, by_partition in list(iam_backends.items()):
        for backend in list(by_partition.values()):
            for user in list(backend.users.values()):
                for key in user.access_keys:
                    if key.access_key_id == access_key_id and key.status == "Active":
                        return StoredAccessKey(
                            access_key_id, key.secret_access_key, account_id, str(user.id), str(user.arn)
                        )
    return None
