"""How AppSync authorizes a request: API key (`x-api-key`, unexpired) or AWS_IAM (SigV4, service `appsync`).

The mode is picked from the request as AppSync picks it: a SigV4 `Authorization` header means AWS_IAM, an
`x-api-key` header means API_KEY, anything else the API's default mode. A mode the API does not have, a
missing or expired key, or a bad signature is refused with 401 and AppSync's error shape.

Example:
    >>> from fogbank.cloud.frontdoors.http import HttpRequest
    >>> api = GraphqlApiModel("abc", "demo", "us-east-1", "123456789012", auth_modes=("API_KEY",))
    >>> decision = authorize(api, HttpRequest("POST", "/graphql", "", [("x-api-key", "nope")], b""))
    >>> decision.rejection.status
    401
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from fogbank.cloud.appsync.errors import unauthorized
from fogbank.cloud.appsync.model import GraphqlApiModel
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse
from fogbank.cloud.frontdoors.sigv4 import SignatureRejected, verify_sigv4

__all__ = ["AuthDecision", "authorize"]


@dataclass(frozen=True)
class AuthDecision:
    """The mode a request was authorized with and the resolver events' `identity`, or the rejection."""

    mode: str | None = None
    identity: dict[str, Any] | None = None
    rejection: HttpResponse | None = None


def authorize(api: GraphqlApiModel, request: HttpRequest, now: float | None = None) -> AuthDecision:
    authorization = request.header("authorization") or ""
    if authorization.startswith("AWS4-HMAC-SHA256"):
        mode = "AWS_IAM"
    elif request.header("x-api-key") is not None:
        mode = "API_KEY"
    else:
        mode = api.default_auth_mode
    if mode not in api.auth_modes:
        return AuthDecision(rejection=unauthorized())
    if mode == "API_KEY":
        return _api_key(api, request.header("x-api-key"), time.time() if now is None else now)
    return _iam(api, request)


def _api_key(api: GraphqlApiModel, key: str | None, now: float) -> AuthDecision:
    if key is None:
        return AuthDecision(rejection=unauthorized("Valid authorization header not provided."))
    with api.lock:
        found = api.api_keys.get(key)
    if found is None:
        return AuthDecision(rejection=unauthorized())
    if found.expires <= now:
        return AuthDecision(rejection=unauthorized("API key has expired."))
    return AuthDecision(mode="API_KEY", identity=None)


def _iam(api: GraphqlApiModel, request: HttpRequest) -> AuthDecision:
    try:
        caller = verify_sigv4(request, service="appsync", region=api.region, account_id=api.account_id)
    except SignatureRejected as exc:
        if exc.reason == "missing":
            return AuthDecision(rejection=unauthorized("Valid authorization header not provided."))
        return AuthDecision(rejection=unauthorized(exc.message))
    identity = {
        "accountId": caller.account_id,
        "cognitoIdentityAuthProvider": None,
        "cognitoIdentityAuthType": None,
        "cognitoIdentityId": None,
        "cognitoIdentityPoolId": None,
        "sourceIp": [request.source_ip],
        "userArn": caller.user_arn,
        "username": caller.user_id,
    }
    return AuthDecision(mode="AWS_IAM", identity=identity)
