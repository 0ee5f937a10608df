"""From a request to what IAM must allow: (action, resource ARN) pairs plus service condition keys.

Operation -> action(s) comes from `overrides` (or `<prefix>:<Operation>`); action -> resource type(s) and
ARN templates from the Service Authorization Reference (`catalog`); template -> ARN from the request's
parameters (`resources`). A request that cannot be mapped says why (reported as "not checked").

Example:
    >>> from fogbank.cloud.router import AwsRequest
    >>> req = AwsRequest.build("POST", "/", {"X-Amz-Target": "DynamoDB_20120810.PutItem"},
    ...                        b'{"TableName": "T"}', service="dynamodb")
    >>> mapping = map_request(req, NO_LOOKUP)
    >>> [(a.action, a.resource) for a in mapping.accesses]
    [('dynamodb:PutItem', 'arn:aws:dynamodb:us-east-1:123456789012:table/T')]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from fogbank.cloud.iam.catalog import action_info
from fogbank.cloud.iam.operations import OperationCall, identify_operation
from fogbank.cloud.iam.overrides import actions_for, iam_prefix
from fogbank.cloud.iam.resources import NO_LOOKUP, StateLookup, fill
from fogbank.cloud.router import AwsRequest

__all__ = ["NO_LOOKUP", "RequestMapping", "RequiredAccess", "map_request"]

_XML_KEY = re.compile(r"<Key>([^<]*)</Key>")
_TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}


@dataclass(frozen=True)
class RequiredAccess:
    """One permission the request needs: `action` on `resource` (an ARN, or "*")."""

    action: str
    resource: str


@dataclass(frozen=True)
class RequestMapping:
    """What a request needs. `unmapped` (a reason) is set when it cannot be told."""

    operation: str
    accesses: tuple[RequiredAccess, ...] = ()
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unmapped: str | None = None


@lru_cache(maxsize=2048)
def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\$\{\w+\}", template)
    return re.compile(".+".join(re.escape(part) for part in parts))


def _resource_for(
    action: str, params: Mapping[str, Any], region: str, account_id: str, lookup: StateLookup
) -> tuple[list[str], str | None]:
    """(resource ARNs for `action`, None) or ([], why not)."""
    prefix, _, name = action.partition(":")
    info = action_info(prefix, name)
    if info is None:
        return [], f"{action} is not in the Service Authorization Reference dataset"
    if not info.resource_types:
        return ["*"], None
    arn_params = [value for value in params.values() if isinstance(value, str) and value.startswith("arn:")]
    if params.get("Qualifier"):  # a qualified Lambda function: the ARN is built with the qualifier
        arn_params = []
    filled: list[tuple[bool, str | None]] = []
    for resource_type in info.resource_types:
        regex = _template_regex(resource_type.arn_template)
        given = next((value for value in arn_params if regex.fullmatch(value)), None)
        arn = given or fill(resource_type.arn_template, params, region, account_id, lookup)
        filled.append((resource_type.required, arn))
    required = [arn for is_required, arn in filled if is_required]
    if required:
        if any(arn is None for arn in required):
            return [], f"the request does not name the resource {action} needs"
        arns = [arn for arn in required if arn is not None]
        for is_required, arn in filled:  # a more specific optional type (a table's index) wins
            if not is_required and arn is not None and arn.startswith(arns[0] + "/"):
                arns[0] = arn
        return arns, None
    optional = [arn for _, arn in filled if arn is not None]
    return ([optional[0]] if optional else ["*"]), None


def _expanded(call: OperationCall, request: AwsRequest) -> list[tuple[str, dict[str, Any]]] | None:
    """Operations that act on several resources: (action, params) for each, or None."""
    params = dict(call.params)
    key = (request.service, call.name)
    if key in (("dynamodb", "BatchGetItem"), ("dynamodb", "BatchWriteItem")):
        items = params.get("RequestItems") or {}
        return [(f"dynamodb:{call.name}", {"TableName": table}) for table in items]
    if key in (("dynamodb", "TransactWriteItems"), ("dynamodb", "TransactGetItems")):
        expanded = []
        for item in params.get("TransactItems") or []:
            for kind, body in item.items():
                if kind in _TRANSACT_ACTIONS and isinstance(body, dict):
                    expanded.append((_TRANSACT_ACTIONS[kind], {"TableName": body.get("TableName")}))
        return expanded
    if key == ("s3", "DeleteObjects"):
        keys = _XML_KEY.findall(request.body.decode("utf-8", "replace"))
        return [("s3:DeleteObject", {"Bucket": params.get("Bucket"), "Key": k}) for k in keys]
    if key == ("s3", "CopyObject"):
        source = unquote(request.header("x-amz-copy-source") or "").lstrip("/").split("?", 1)[0]
        bucket, _, source_key = source.partition("/")
        return [
            ("s3:PutObject", params),
            ("s3:GetObject", {"Bucket": bucket, "Key": source_key}),
        ]
    if key == ("events", "PutEvents"):
        buses = {entry.get("EventBusName") or "default" for entry in params.get("Entries") or []}
        return [("events:PutEvents", {"EventBusName": bus}) for bus in sorted(buses)]
    if key == ("ssm", "GetParameters"):
        return [("ssm:GetParameters", {"Name": name}) for name in params.get("Names") or []]
    return None


def _service_context(request: AwsRequest, call: OperationCall) -> dict[str, tuple[str, ...]]:
    if request.service == "s3" and call.name in ("ListObjects", "ListObjectsV2", "ListObjectVersions"):
        keys = {"Prefix": "s3:prefix", "Delimiter": "s3:delimiter", "MaxKeys": "s3:max-keys"}
        return {key: (str(call.params[name]),) for name, key in keys.items() if name in call.params}
    return {}


def map_request(request: AwsRequest, lookup: StateLookup) -> RequestMapping:
    """What `request` needs IAM to allow."""
    if request.service == "apigateway" and request.path.startswith(
        ("/restapis", "/apis", "/v2/", "/domainnames")
    ):
        path = request.path.removeprefix("/v2") if request.path.startswith("/v2/") else request.path
        arn = f"arn:aws:apigateway:{request.region}::{path}"
        return RequestMapping(
            f"apigateway {request.method} {path}", (RequiredAccess(f"apigateway:{request.method}", arn),)
        )
    call = identify_operation(request)
    if call is None:
        label = f"{request.service or 'unsigned'} {request.method} {request.path}"
        return RequestMapping(label, unmapped="the operation could not be identified from the request")
    prefix = iam_prefix(request.service)
    label = f"{prefix}:{call.name}"
    expanded = _expanded(call, request)
    plan = (
        expanded if expanded is not None else [(a, dict(call.params)) for a in actions_for(prefix, call.name)]
    )
    accesses: list[RequiredAccess] = []
    for action, params in plan:
        arns, why_not = _resource_for(action, params, request.region, request.account_id, lookup)
        if why_not is not None:
            return RequestMapping(label, unmapped=why_not)
        accesses.extend(RequiredAccess(action, arn) for arn in arns)
    return RequestMapping(label, tuple(accesses), _service_context(request, call))
