"""Who signed a request to an AWS_IAM-protected front door, as the events' identity fields show it.

Example:
    >>> CallerIdentity.root("AKIDEXAMPLE", "123456789012").user_arn
    'arn:aws:iam::123456789012:root'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CallerIdentity"]


@dataclass(frozen=True)
class CallerIdentity:
    """The verified signer: access key, account, principal id and ARN."""

    access_key: str
    account_id: str
    user_id: str
    user_arn: str

    @classmethod
    def root(cls, access_key: str, account_id: str) -> CallerIdentity:
        return cls(access_key, account_id, account_id, f"arn:aws:iam::{account_id}:root")
