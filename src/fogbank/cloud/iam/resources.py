"""The resource ARNs an operation acts on: the dataset's ARN templates filled from the request.

Every variable but `${Partition}`, `${Region}` and `${Account}` comes from the operation's parameters
(`${TableName}` <- `TableName`, `${BucketName}` <- `Bucket`, `${QueueName}` <- the last segment of `QueueUrl`,
...). `${Region}` and `${Account}` are those of the resource: of the ARN (or queue URL) that names it when the
request names it so (a function of another region or account), else the request's. Identifiers that need the service's state (a KMS alias, a secret's
name, the key inside a KMS ciphertext) are resolved through a `StateLookup`.

Example:
    >>> fill("arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
    ...      {"TableName": "T"}, "us-east-1", "123456789012", NO_LOOKUP)
    'arn:aws:dynamodb:us-east-1:123456789012:table/T'
    >>> fill("arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
    ...      {"FunctionName": "arn:aws:lambda:eu-west-1:210987654321:function:f", "Qualifier": "live"},
    ...      "us-east-1", "123456789012", NO_LOOKUP)
    'arn:aws:lambda:eu-west-1:210987654321:function:f:live'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import urlsplit

__all__ = ["NO_LOOKUP", "StateLookup", "fill"]

_VARIABLE = re.compile(r"\$\{(\w+)\}")
_LOCATED = ("Partition", "Region", "Account")  # the resource's location, not named by one parameter
_QUEUE_HOST = re.compile(r"^(?:sqs\.([a-z0-9-]+)\.amazonaws\.com|([a-z0-9-]+)\.queue\.amazonaws\.com)$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")


class StateLookup(Protocol):
    """Identifiers only the service's state can turn into ARNs (implemented over aws_state)."""

    def kms_key_arn(self, region: str, account_id: str, key_id: str) -> str | None: ...

    def kms_key_of_ciphertext(self, region: str, account_id: str, blob: str) -> str | None: ...

    def secret_arn(self, region: str, account_id: str, secret_id: str) -> str | None: ...


class _NoLookup:
    def kms_key_arn(self, region: str, account_id: str, key_id: str) -> str | None:
        return None

    def kms_key_of_ciphertext(self, region: str, account_id: str, blob: str) -> str | None:
        return None

    def secret_arn(self, region: str, account_id: str, secret_id: str) -> str | None:
        return None


NO_LOOKUP: StateLookup = _NoLookup()

# template variable -> request parameter names that carry it (after an exact, case-insensitive match fails)
_ALIASES: dict[str, tuple[str, ...]] = {
    "BucketName": ("Bucket",),
    "ObjectName": ("Key",),
    "ParameterNameWithoutLeadingSlash": ("Name", "Path"),
    "RoleNameWithPath": ("RoleName",),
    "UserNameWithPath": ("UserName",),
    "GroupNameWithPath": ("GroupName",),
    "PolicyNameWithPath": ("PolicyName",),
    "InstanceProfileNameWithPath": ("InstanceProfileName",),
    "EventBusName": ("EventBusName",),
    "RuleName": ("Name", "Rule"),
    "StackName": ("StackName",),
    "StreamName": ("StreamName",),
    "LayerName": ("LayerName",),
    "LayerVersion": ("VersionNumber",),
    "ApplicationId": ("ApplicationIdentifier",),
    "EnvironmentId": ("EnvironmentIdentifier",),
    "ConfigurationProfileId": ("ConfigurationProfileIdentifier",),
    "AlarmName": ("AlarmName",),
}


def _last_segment(value: str, separator: str) -> str:
    return value.rstrip(separator).rsplit(separator, 1)[-1]


def _from_params(variable: str, params: Mapping[str, Any]) -> str | None:
    lowered = {key.lower(): value for key, value in params.items() if isinstance(value, str)}
    for name in (variable, *_ALIASES.get(variable, ())):
        value = lowered.get(name.lower())
        if value:
            return value
    return None


def _function_name(params: Mapping[str, Any]) -> str | None:
    value = params.get("FunctionName")
    if not isinstance(value, str) or not value:
        return None
    parts = value.split(":")
    if value.startswith("arn:"):  # arn:aws:lambda:region:acct:function:name[:qualifier]
        name = ":".join(parts[6:8])
    elif len(parts) >= 3 and parts[1] == "function":  # acct:function:name[:qualifier]
        name = ":".join(parts[2:4])
    else:
        name = value
    qualifier = params.get("Qualifier")
    if isinstance(qualifier, str) and qualifier and ":" not in name:
        name = f"{name}:{qualifier}"
    return name


def _naming(variable: str, params: Mapping[str, Any]) -> str | None:
    """The parameter value that names the resource behind `variable` as it was given (an ARN, a partial ARN, a
    queue URL or a plain name), or None."""
    names = {
        "FunctionName": ("FunctionName",),
        "QueueName": ("QueueUrl",),
        "TopicName": ("TopicArn", "TargetArn", "SubscriptionArn"),
        "KeyId": ("KeyId", "TargetKeyId", "SourceKeyId"),
        "SecretId": ("SecretId",),
    }.get(variable)
    if names is None:
        return _from_params(variable, params)
    return next((v for v in (params.get(name) for name in names) if isinstance(v, str) and v), None)


def _location_of(named: str) -> tuple[str | None, str | None]:
    """(region, account) that an ARN, a Lambda partial ARN (`account:function:name`) or an SQS queue URL names;
    None for a part it does not name."""
    if named.startswith("arn:"):
        parts = named.split(":")
        return (parts[3] or None, parts[4] or None) if len(parts) >= 6 else (None, None)
    if named.startswith(("http://", "https://")):  # https://sqs.<region>.amazonaws.com/<account>/<queue>
        url = urlsplit(named)
        host = _QUEUE_HOST.match(url.hostname or "")
        first = url.path.strip("/").split("/", 1)[0]
        return (host.group(1) or host.group(2)) if host else None, first if _ACCOUNT_ID.match(first) else None
    parts = named.split(":")
    if len(parts) >= 3 and parts[1] == "function" and _ACCOUNT_ID.match(parts[0]):
        return None, parts[0]
    return None, None


def _location(
    variables: tuple[str, ...], params: Mapping[str, Any], region: str, account_id: str
) -> tuple[str, str]:
    """The region and account of the resource: where the parameter naming it points, else the request's."""
    for variable in variables:
        if variable in _LOCATED:
            continue
        named = _naming(variable, params)
        if named is not None:
            named_region, named_account = _location_of(named)
            return named_region or region, named_account or account_id
    return region, account_id


def _variable(
    variable: str, params: Mapping[str, Any], region: str, account_id: str, lookup: StateLookup
) -> str | None:
    if variable == "Partition":
        return "aws"
    if variable == "Region":
        return region
    if variable == "Account":
        return account_id
    if variable == "FunctionName":
        return _function_name(params)
    if variable == "QueueName":
        url = params.get("QueueUrl")
        return _last_segment(url, "/") if isinstance(url, str) and url else _from_params(variable, params)
    if variable == "TopicName":
        arn = params.get("TopicArn") or params.get("TargetArn")
        if isinstance(arn, str) and arn:
            return _last_segment(arn, ":")
        subscription = params.get("SubscriptionArn")
        return (
            subscription.split(":")[5]
            if isinstance(subscription, str) and subscription.count(":") >= 6
            else None
        )
    if variable == "KeyId":
        return _kms_key_id(params, region, account_id, lookup)
    if variable == "SecretId":
        secret = params.get("SecretId")
        if not isinstance(secret, str) or not secret:
            return None
        arn = secret if secret.startswith("arn:") else lookup.secret_arn(region, account_id, secret)
        return _last_segment(arn, ":secret:") if arn else secret
    value = _from_params(variable, params)
    if value is not None and variable == "ParameterNameWithoutLeadingSlash":
        if value.startswith("arn:"):
            return value.split(":parameter/", 1)[-1]
        return value.lstrip("/")
    return value


def _kms_key_id(params: Mapping[str, Any], region: str, account_id: str, lookup: StateLookup) -> str | None:
    key = params.get("KeyId") or params.get("TargetKeyId") or params.get("SourceKeyId")
    arn: str | None = None
    if isinstance(key, str) and key:
        arn = lookup.kms_key_arn(region, account_id, key)
        if arn is None and key.startswith("arn:") and ":key/" in key:
            arn = key
        if arn is None and not key.startswith(("alias/", "arn:")):
            return key
    elif isinstance(params.get("CiphertextBlob"), str):
        arn = lookup.kms_key_of_ciphertext(region, account_id, params["CiphertextBlob"])
    return _last_segment(arn, "/") if arn else None


@lru_cache(maxsize=2048)
def _variables(template: str) -> tuple[str, ...]:
    return tuple(_VARIABLE.findall(template))


def fill(
    template: str, params: Mapping[str, Any], region: str, account_id: str, lookup: StateLookup
) -> str | None:
    """The template with every variable filled, or None when a variable has no value in the request."""
    values: dict[str, str] = {}
    variables = _variables(template)
    region, account_id = _location(variables, params, region, account_id)
    for variable in variables:
        value = _variable(variable, params, region, account_id, lookup)
        if value is None:
            return None
        values[variable] = value
    replace: Callable[[re.Match[str]], str] = lambda match: values[match.group(1)]  # noqa: E731
    return _VARIABLE.sub(replace, template)
