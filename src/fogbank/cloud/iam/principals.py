"""Who makes a request: the principal an authorization is evaluated for.

Example:
    >>> p = Principal.assumed_role("123456789012", "AROAEXAMPLE", "MyRole", "my-function")
    >>> p.arn
    'arn:aws:sts::123456789012:assumed-role/MyRole/my-function'
    >>> p.role_arn
    'arn:aws:iam::123456789012:role/MyRole'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Principal", "PrincipalKind"]

PrincipalKind = Literal["admin", "root", "user", "assumed-role", "service"]


@dataclass(frozen=True)
class Principal:
    """The caller: its ARN, account and kind, plus what IAM needs to find its policies.

    `admin` is the test process (the local cloud's own credentials): it acts as the account's
    administrator, as a CI role with AdministratorAccess usually does on AWS. Resource policies' explicit
    Deny statements still apply to it.
    """

    kind: PrincipalKind
    arn: str
    account_id: str
    user_id: str
    role_name: str | None = None
    role_path: str = "/"
    session_name: str | None = None
    user_name: str | None = None
    service: str | None = None

    @classmethod
    def admin(cls, account_id: str) -> Principal:
        """The test process: the account's administrator (its ARN is the account root's). One per account
        (a Principal is immutable; every request signed with a key the cloud did not issue asks for it)."""
        found = _ADMINS.get((cls, account_id))
        if found is None:
            found = _ADMINS[(cls, account_id)] = cls(
                "admin", f"arn:aws:iam::{account_id}:root", account_id, account_id
            )
        return found

    @classmethod
    def root(cls, account_id: str) -> Principal:
        return cls("root", f"arn:aws:iam::{account_id}:root", account_id, account_id)

    @classmethod
    def user(cls, account_id: str, user_id: str, user_name: str, path: str = "/") -> Principal:
        return cls(
            "user",
            f"arn:aws:iam::{account_id}:user{path}{user_name}",
            account_id,
            user_id,
            user_name=user_name,
        )

    @classmethod
    def assumed_role(
        cls, account_id: str, role_id: str, role_name: str, session_name: str, role_path: str = "/"
    ) -> Principal:
        return cls(
            "assumed-role",
            f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}",
            account_id,
            f"{role_id}:{session_name}",
            role_name=role_name,
            role_path=role_path,
            session_name=session_name,
        )

    @classmethod
    def service_principal(cls, service: str, account_id: str) -> Principal:
        """An AWS service acting on a resource's behalf (`apigateway.amazonaws.com`)."""
        return cls("service", service, account_id, service, service=service)

    @property
    def role_arn(self) -> str | None:
        """The IAM role's ARN for an assumed-role session (policies name roles, not sessions)."""
        if self.role_name is None:
            return None
        return f"arn:aws:iam::{self.account_id}:role{self.role_path}{self.role_name}"

    @property
    def account_root_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:root"

    @property
    def username(self) -> str | None:
        """`aws:username`: only IAM users have one."""
        return self.user_name


_ADMINS: dict[tuple[type[Principal], str], Principal] = {}  # (class, account) -> its administrator
