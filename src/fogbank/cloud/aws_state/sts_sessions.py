"""Role sessions (temporary credentials) in moto's STS state (pinned 5.2.5).

Sessions are issued where STS AssumeRole keeps them, so STS GetCallerIdentity (moto's) answers the
session's `assumed-role` ARN for both worker credentials and AssumeRole callers; `find_session` gives the
SigV4 verifier the secret and token of any session, by access key id.

Example:
    >>> creds = issue_session("123456789012", "arn:aws:iam::123456789012:role/R", "my-fn")
    >>> found = find_session(creds.access_key_id)
    >>> found.session_name, found.session_token == creds.session_token
    ('my-fn', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["StoredSession", "find_session", "issue_session"]

MAX_SESSION_SECONDS = 12 * 3600


@dataclass(frozen=True)
class StoredSession:
    """A role session: its credentials, the role it is of, and when it expires (naive UTC)."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    account_id: str
    role_arn: str
    session_name: str
    expiration: datetime


def _stored(role: object) -> StoredSession:
    return StoredSession(
        role.access_key_id,  # type: ignore[attr-defined]
        role.secret_access_key,  # type: ignore[attr-defined]
        role.session_token,  # type: ignore[attr-defined]
        role.account_id,  # type: ignore[attr-defined]
        role.role_arn,  # type: ignore[attr-defined]
        role.session_name,  # type: ignore[attr-defined]
        role.expiration,  # type: ignore[attr-defined]
    )


def issue_session(
    account_id: str,
    role_arn: str,
    session_name: str,
    region: str = "us-east-1",
    duration: int = MAX_SESSION_SECONDS,
) -> StoredSession:
    """Temporary credentials for `role_arn`, as STS AssumeRole issues them (no policy checks here)."""
    from moto.sts.models import sts_backends

    backend = sts_backends[account_id]["aws"]
    role = backend.assume_role(
        region_name=region,
        role_session_name=session_name,
        role_arn=role_arn,
        policy="",
        duration=duration,
        external_id="",
    )
    return _stored(role)


def find_session(access_key_id: str) -> StoredSession | None:
    """The session whose access key id this is, in any account; None when STS never issued it."""
    from moto.sts.models import sts_backends

    for by_partition in list(sts_backends.values()):
        for backend in list(by_partition.values()):
            for role in reversed(list(backend.assumed_roles)):
                if role.access_key_id == access_key_id:
                    return _stored(role)
    return None
