"""Verify the SigV4 signature of a request to an AWS_IAM-protected front door, as AWS does.

The signature is recomputed with botocore's SigV4Auth over the request as received (method, raw path,
raw query, the headers named in SignedHeaders, the body), with the secret of the access key: the local
cloud's default credentials (`testing` / `testing`) or an IAM user's access key. Both header
(`Authorization`) and query-string (`X-Amz-Signature`) signatures are accepted.

Example:
    >>> from fogbank.cloud.frontdoors.http import HttpRequest
    >>> unsigned = HttpRequest("GET", "/", "", [("Host", "x")], b"")
    >>> try:
    ...     verify_sigv4(unsigned, service="lambda", region="us-east-1", account_id="123456789012")
    ... except SignatureRejected as exc:
    ...     exc.reason
    'missing'
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import unquote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.cloud.aws_state.iam_credentials import find_access_key
from fogbank.cloud.aws_state.sts_sessions import find_session
from fogbank.cloud.frontdoors.events.identity import CallerIdentity
from fogbank.cloud.frontdoors.http import HttpRequest
from fogbank.local_credentials import LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY

__all__ = [
    "DEFAULT_ACCESS_KEY",
    "INVALID_TOKEN_MESSAGE",
    "KeyLookup",
    "SignatureRejected",
    "issued_key",
    "verify_sigv4",
]

DEFAULT_ACCESS_KEY = (LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY)
MAX_CLOCK_SKEW = timedelta(minutes=5)
PRESIGNED_MAX_EXPIRES = 7 * 24 * 3600

Reason = Literal["missing", "incomplete", "invalid", "expired", "unknown_key"]
_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),"
    r"\s*Signature=(?P<signature>[0-9a-f]{64})\s*$"
)
INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
# access key id -> (secret, session token or None, signer); None when the cloud never issued the key
KeyLookup = Callable[[str], "tuple[str, str | None, CallerIdentity] | None"]
MISMATCH_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)


class SignatureRejected(Exception):
    """The request is not signed, or not signed right; `reason` picks the front door's 403 answer."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason
        self.message = message

    @property
    def error_type(self) -> str:
        """The `x-amzn-ErrorType` AWS sends with this rejection."""
        return {
            "missing": "MissingAuthenticationTokenException",
            "incomplete": "IncompleteSignatureException",
            "invalid": "InvalidSignatureException",
            "expired": "InvalidSignatureException",
            "unknown_key": "UnrecognizedClientException",
        }[self.reason]


class _ReceivedRequestAuth(SigV4Auth):  # type: ignore[misc]  # botocore ships no types
    """SigV4Auth that signs exactly the headers the client listed, with the client's payload hash."""

    def __init__(
        self, credentials: Credentials, service: str, region: str, signed: list[str], payload: str | None
    ):
        super().__init__(credentials, service, region)
        self._signed = signed
        self._payload = payload

    def headers_to_sign(self, request: AWSRequest) -> Any:
        headers = super().headers_to_sign(request)
        for name in list(headers.keys()):
            if name not in self._signed:
                del headers[name]
        return headers

    def payload(self, request: AWSRequest) -> str:
        return self._payload if self._payload is not None else str(super().payload(request))


def verify_sigv4(
    request: HttpRequest,
    *,
    service: str,
    region: str,
    account_id: str,
    now: datetime | None = None,
    keys: KeyLookup | None = None,
) -> CallerIdentity:
    """The verified caller of `request`; raises SignatureRejected as AWS would reject it.

    `keys` finds the secret of a cloud-issued access key (default: `issued_key`); the local cloud's own
    `testing` key is always known.
    """
    now = now or datetime.now(UTC)
    query_pairs = [[*part.split("=", 1), ""] for part in request.raw_query.split("&") if part]
    query = {unquote(pair[0]): unquote(pair[1]) for pair in query_pairs}
    authorization = request.header("authorization")
    if authorization:
        match = _AUTHORIZATION.match(authorization.strip())
        if match is None:
            raise SignatureRejected(
                "incomplete",
                f"Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters of "
                f"AWS4-HMAC-SHA256. Authorization={authorization}",
            )
        credential, signed, signature = match["credential"], match["signed"], match["signature"]
        amz_date = request.header("x-amz-date") or ""
        raw_query, payload, expires = request.raw_query, request.header("x-amz-content-sha256"), None
    elif "X-Amz-Signature" in query:
        missing = [k for k in ("X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders") if k not in query]
        if missing or query.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
            raise SignatureRejected(
                "incomplete", f"AWS query-string parameters missing: {', '.join(missing)}"
            )
        credential, signed, signature = (
            query["X-Amz-Credential"],
            query["X-Amz-SignedHeaders"],
            query["X-Amz-Signature"],
        )
        amz_date, payload = query["X-Amz-Date"], None
        raw_query = "&".join(p for p in request.raw_query.split("&") if not p.startswith("X-Amz-Signature="))
        expires = int(query.get("X-Amz-Expires", "0") or 0)
    else:
        raise SignatureRejected("missing", "Missing Authentication Token")

    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise SignatureRejected(
            "incomplete",
            f"Credential must have the form <key>/<date>/<region>/<service>/aws4_request, got {credential}",
        )
    access_key, scope_date, scope_region, scope_service, _ = parts
    if scope_service != service:
        raise SignatureRejected("invalid", f"Credential should be scoped to correct service: '{service}'. ")
    if scope_region != region:
        raise SignatureRejected(
            "invalid", f"Credential should be scoped to a valid region, not '{scope_region}'. "
        )
    signed_time = _parse_amz_date(amz_date)
    if not amz_date.startswith(scope_date):
        raise SignatureRejected(
            "invalid",
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{amz_date[:8]}'",
        )
    _check_time(signed_time, now, expires)

    token = request.header("x-amz-security-token") or query.get("X-Amz-Security-Token")
    secret, caller = _secret_for(access_key, account_id, token, keys or issued_key)
    signed_names = signed.lower().split(";")
    url = f"{request.scheme}://{request.header('host') or request.host}{request.raw_path}"
    if raw_query:
        url += f"?{raw_query}"
    aws_request = AWSRequest(method=request.method, url=url, data=request.body)
    for name, value in request.headers:
        if name.lower() in signed_names:
            aws_request.headers[name] = value  # HTTPHeaders keeps repeated names, as SigV4 joins them
    aws_request.context["timestamp"] = amz_date
    auth = _ReceivedRequestAuth(
        Credentials(access_key, secret, token), service, region, signed_names, payload
    )
    canonical = auth.canonical_request(aws_request)
    expected = auth.signature(auth.string_to_sign(aws_request, canonical), aws_request)
    if not hmac.compare_digest(expected, signature):
        raise SignatureRejected("invalid", MISMATCH_MESSAGE)
    return caller


def issued_key(access_key: str) -> tuple[str, str | None, CallerIdentity] | None:
    """An IAM user's access key or an STS session's key, as the cloud issued it; None when unknown."""
    session = find_session(access_key)
    if session is not None:
        role_name = session.role_arn.rsplit("/", 1)[-1]
        arn = f"arn:aws:sts::{session.account_id}:assumed-role/{role_name}/{session.session_name}"
        caller = CallerIdentity(access_key, session.account_id, f"{role_name}:{session.session_name}", arn)
        return session.secret_access_key, session.session_token, caller
    stored = find_access_key(access_key)
    if stored is None:
        return None
    return (
        stored.secret_access_key,
        None,
        CallerIdentity(access_key, stored.account_id, stored.user_id, stored.user_arn),
    )


def _secret_for(
    access_key: str, account_id: str, token: str | None, keys: KeyLookup
) -> tuple[str, CallerIdentity]:
    if access_key == DEFAULT_ACCESS_KEY[0]:
        return DEFAULT_ACCESS_KEY[1], CallerIdentity.root(access_key, account_id)
    found = keys(access_key)
    if found is None:
        raise SignatureRejected("unknown_key", INVALID_TOKEN_MESSAGE)
    secret, session_token, caller = found
    if session_token is not None and token != session_token:
        raise SignatureRejected("unknown_key", INVALID_TOKEN_MESSAGE)
    return secret, caller


def _parse_amz_date(amz_date: str) -> datetime:
    try:
        return datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise SignatureRejected(
            "incomplete",
            f"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ({amz_date!r})",
        ) from exc


def _check_time(signed_time: datetime, now: datetime, expires: int | None) -> None:
    fmt = "%Y%m%dT%H%M%SZ"
    if expires is not None:
        if not 0 < expires <= PRESIGNED_MAX_EXPIRES:
            raise SignatureRejected(
                "incomplete", f"X-Amz-Expires must be between 1 and {PRESIGNED_MAX_EXPIRES}"
            )
        if now > signed_time + timedelta(seconds=expires):
            raise SignatureRejected(
                "expired",
                f"Signature expired: {signed_time.strftime(fmt)} + {expires} s is before {now.strftime(fmt)}",
            )
        return
    if signed_time < now - MAX_CLOCK_SKEW:
        raise SignatureRejected(
            "expired",
            f"Signature expired: {signed_time.strftime(fmt)} is now earlier than "
            f"{(now - MAX_CLOCK_SKEW).strftime(fmt)} ({now.strftime(fmt)} - 5 min.)",
        )
    if signed_time > now + MAX_CLOCK_SKEW:
        raise SignatureRejected(
            "expired",
            f"Signature not yet current: {signed_time.strftime(fmt)} is still later than "
            f"{(now + MAX_CLOCK_SKEW).strftime(fmt)} ({now.strftime(fmt)} + 5 min.)",
        )
