"""Credentials the local cloud issues, and the principals they stand for.

Each Lambda function's execution environment gets a session of its execution role, named after the
function, exactly as Lambda provides it (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
`AWS_SESSION_TOKEN`). Sessions live in STS's state, so GetCallerIdentity answers
`arn:aws:sts::<account>:assumed-role/<role>/<function>`, and AssumeRole's sessions work the same way.

Any other access key (the test process's own, `testing`) acts as the account's administrator.

Example:
    >>> directory = CredentialDirectory("123456789012")
    >>> directory.principal_for("testing").kind
    'admin'
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from fogbank.cloud.aws_state import iam_credentials, iam_policies, sts_sessions
from fogbank.cloud.frontdoors.events.identity import CallerIdentity
from fogbank.cloud.iam.principals import Principal

__all__ = ["CredentialDirectory", "IssuedKey", "role_name_of"]

_RENEW_BEFORE_SECONDS = 15 * 60


@dataclass(frozen=True)
class IssuedKey:
    """A key the cloud issued: its secret, its session token (sessions only), and its principal."""

    secret_access_key: str
    session_token: str | None
    principal: Principal
    function_name: str | None = None


def role_name_of(role_arn: str) -> str:
    """`arn:aws:iam::1:role/path/Name` -> `Name`."""
    return role_arn.rsplit("/", 1)[-1]


def _role_path(role_arn: str) -> str:
    resource = role_arn.split(":", 5)[-1]  # role/path/Name
    inner = resource.removeprefix("role")
    return inner[: inner.rfind("/") + 1] or "/"


class CredentialDirectory:
    """Finds the principal behind an access key (cached: keys never change owner)."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        self._keys: dict[str, IssuedKey] = {}
        self._function_sessions: dict[tuple[str, str], sts_sessions.StoredSession] = {}
        self._lock = threading.Lock()

    def issued(self, access_key: str) -> IssuedKey | None:
        """The cloud-issued key `access_key`, or None when the cloud never issued it."""
        found = self._keys.get(access_key)
        if found is not None:
            return found
        session = sts_sessions.find_session(access_key)
        if session is not None:
            found = IssuedKey(
                session.secret_access_key, session.session_token, self._session_principal(session)
            )
        else:
            stored = iam_credentials.find_access_key(access_key)
            if stored is None:
                return None
            name = stored.user_arn.rsplit("/", 1)[-1]
            path = stored.user_arn.split(":user", 1)[-1][: -len(name)] or "/"
            found = IssuedKey(
                stored.secret_access_key, None, Principal.user(stored.account_id, stored.user_id, name, path)
            )
        with self._lock:
            self._keys[access_key] = found
        return found

    def principal_for(self, access_key: str) -> Principal:
        """The principal of a cloud-issued key; the account's administrator for any other key."""
        issued = self.issued(access_key)
        return issued.principal if issued is not None else Principal.admin(self.account_id)

    def signer_lookup(self, access_key: str) -> tuple[str, str | None, CallerIdentity] | None:
        """The SigV4 verifier's key lookup (`fogbank.cloud.frontdoors.sigv4.KeyLookup`)."""
        issued = self.issued(access_key)
        if issued is None:
            return None
        principal = issued.principal
        caller = CallerIdentity(access_key, principal.account_id, principal.user_id, principal.arn)
        return issued.secret_access_key, issued.session_token, caller

    def function_environment(self, function_name: str, role_arn: str, region: str) -> dict[str, str]:
        """The credential variables of `function_name`'s execution environment: a session of its role.

        Example:
            >>> directory = CredentialDirectory("123456789012")
            >>> env = directory.function_environment("f", "arn:aws:iam::123456789012:role/R", "us-east-1")
            >>> sorted(env)
            ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']
            >>> directory.principal_for(env["AWS_ACCESS_KEY_ID"]).arn
            'arn:aws:sts::123456789012:assumed-role/R/f'
        """
        from datetime import datetime, timedelta

        key = (function_name, role_arn)
        with self._lock:
            session = self._function_sessions.get(key)
            fresh_until = datetime.utcnow() + timedelta(seconds=_RENEW_BEFORE_SECONDS)
            if session is None or session.expiration < fresh_until:
                account = role_arn.split(":")[4] or self.account_id
                session = sts_sessions.issue_session(account, role_arn, function_name, region)
                self._function_sessions[key] = session
        issued = IssuedKey(
            session.secret_access_key, session.session_token, self._session_principal(session), function_name
        )
        with self._lock:
            self._keys[session.access_key_id] = issued
        return {
            "AWS_ACCESS_KEY_ID": session.access_key_id,
            "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
            "AWS_SESSION_TOKEN": session.session_token,
        }

    @staticmethod
    def _session_principal(session: sts_sessions.StoredSession) -> Principal:
        name = role_name_of(session.role_arn)
        facts = iam_policies.role_facts(session.account_id, name)
        role_id = facts.role_id if facts is not None else "AROAUNKNOWNROLE"
        path = facts.path if facts is not None else _role_path(session.role_arn)
        return Principal.assumed_role(session.account_id, role_id, name, session.session_name, path)
