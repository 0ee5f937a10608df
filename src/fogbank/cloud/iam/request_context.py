"""The global condition keys the local cloud can know for a request (keys are lower-cased).

Known: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid, aws:username (IAM users),
aws:CurrentTime, aws:EpochTime, aws:SecureTransport, aws:SourceIp, aws:RequestedRegion, aws:UserAgent,
aws:PrincipalIsAWSService, aws:ResourceAccount, and for a service acting on a resource's behalf
aws:SourceArn, aws:SourceAccount and aws:PrincipalServiceName. aws:SecureTransport is "true": the local
endpoint stands in for AWS's HTTPS endpoints, which every SDK call uses.

Example:
    >>> from fogbank.cloud.iam.principals import Principal
    >>> ctx = global_context(Principal.assumed_role("1", "AROA1", "R", "f"), region="us-east-1")
    >>> ctx["aws:principalarn"]
    ('arn:aws:iam::1:role/R',)
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from fogbank.cloud.iam.principals import Principal

__all__ = ["global_context"]

_PRINCIPAL_TYPES = {
    "admin": "Account",
    "root": "Account",
    "user": "User",
    "assumed-role": "AssumedRole",
    "service": "Service",
}


def global_context(
    principal: Principal,
    *,
    region: str,
    source_ip: str = "127.0.0.1",
    user_agent: str = "",
    resource_account: str | None = None,
    source_arn: str | None = None,
    source_account: str | None = None,
    extra: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """The request context for `principal`'s request; `extra` adds service-specific keys."""
    now = time.time()
    context: dict[str, tuple[str, ...]] = {
        "aws:principalarn": (principal.role_arn or principal.arn,),
        "aws:principalaccount": (principal.account_id,),
        "aws:principaltype": (_PRINCIPAL_TYPES[principal.kind],),
        "aws:userid": (principal.user_id,),
        "aws:currenttime": (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),),
        "aws:epochtime": (str(int(now)),),
        "aws:securetransport": ("true",),
        "aws:sourceip": (source_ip,),
        "aws:requestedregion": (region,),
        "aws:principalisawsservice": ("true" if principal.kind == "service" else "false",),
    }
    if user_agent:
        context["aws:useragent"] = (user_agent,)
    if principal.username is not None:
        context["aws:username"] = (principal.username,)
    if principal.service is not None:
        context["aws:principalservicename"] = (principal.service,)
        del context["aws:principalarn"], context["aws:principalaccount"]
    if resource_account is not None:
        context["aws:resourceaccount"] = (resource_account,)
    if source_arn is not None:
        context["aws:sourcearn"] = (source_arn,)
    if source_account is not None:
        context["aws:sourceaccount"] = (source_account,)
    if extra:
        context.update(extra)
    return context
