"""S3 bucket settings from CloudFormation's shapes to the S3 API's: canned ACLs and lifecycle rules.

Example:
    >>> canned_acl("BucketOwnerFullControl")
    'bucket-owner-full-control'
    >>> lifecycle_rules({"Rules": [{"Id": "old", "Status": "Enabled", "ExpirationInDays": 3}]}, owner="Bucket")
    [{'ID': 'old', 'Status': 'Enabled', 'Filter': {}, 'Expiration': {'Days': 3}}]

A lifecycle key this module does not translate is refused (DeployError naming the resource and the key),
never dropped.
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.cloud.cloudformation.providers.common import as_int
from fogbank.errors import DeployError

__all__ = ["canned_acl", "lifecycle_rules"]

# The keys of AWS::S3::Bucket's LifecycleConfiguration.Rule (cfn-lint's schema) that `lifecycle_rules` applies.
# Not here, so refused: ObjectSizeGreaterThan and ObjectSizeLessThan (the local S3 does not keep size filters).
_RULE_KEYS = frozenset(
    {
        "AbortIncompleteMultipartUpload",
        "ExpirationDate",
        "ExpirationInDays",
        "ExpiredObjectDeleteMarker",
        "Id",
        "NoncurrentVersionExpiration",
        "NoncurrentVersionExpirationInDays",
        "NoncurrentVersionTransition",
        "NoncurrentVersionTransitions",
        "Prefix",
        "Status",
        "TagFilters",
        "Transition",
        "Transitions",
    }
)


def canned_acl(access_control: str) -> str:
    """`PublicRead` -> `public-read`: CloudFormation's AccessControl values are the canned ACLs in PascalCase."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", access_control).lower()


def _transition(entry: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"StorageClass": entry["StorageClass"]}
    if "TransitionInDays" in entry:
        converted["Days"] = as_int(entry["TransitionInDays"])
    if "TransitionDate" in entry:
        converted["Date"] = entry["TransitionDate"]
    return converted


def _noncurrent_transition(entry: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"StorageClass": entry["StorageClass"]}
    if "TransitionInDays" in entry:
        converted["NoncurrentDays"] = as_int(entry["TransitionInDays"])
    if "NewerNoncurrentVersions" in entry:
        converted["NewerNoncurrentVersions"] = as_int(entry["NewerNoncurrentVersions"])
    return converted


def _filter(rule: dict[str, Any]) -> dict[str, Any]:
    tags = [{"Key": t["Key"], "Value": t["Value"]} for t in rule.get("TagFilters") or []]
    prefix = rule.get("Prefix")
    if tags and (prefix or len(tags) > 1):
        return {"And": {**({"Prefix": prefix} if prefix else {}), "Tags": tags}}
    if tags:
        return {"Tag": tags[0]}
    return {"Prefix": prefix} if prefix else {}


def lifecycle_rules(configuration: dict[str, Any], *, owner: str) -> list[dict[str, Any]]:
    """CloudFormation's LifecycleConfiguration as PutBucketLifecycleConfiguration's `Rules`.

    `owner` (the bucket's logical id) names the resource in the error for a key that cannot be applied.
    """
    unknown = sorted(set(configuration) - {"Rules"})
    if unknown:
        raise DeployError(
            f"unsupported LifecycleConfiguration propert{'y' if len(unknown) == 1 else 'ies'} "
            f"{', '.join(unknown)} of AWS::S3::Bucket (resource {owner}): the local cloud's S3 does not keep it; "
            "remove it from the template"
        )
    rules = []
    for index, rule in enumerate(configuration.get("Rules", [])):
        unknown = sorted(set(rule) - _RULE_KEYS)
        if unknown:
            raise DeployError(
                f"unsupported lifecycle rule propert{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)} "
                f"in LifecycleConfiguration.Rules[{index}] of AWS::S3::Bucket (resource {owner}): the local "
                "cloud's S3 does not keep it; remove it from the template"
            )
        converted: dict[str, Any] = {"Status": rule["Status"], "Filter": _filter(rule)}
        if "Id" in rule:
            converted = {"ID": rule["Id"], **converted}
        expiration: dict[str, Any] = {}
        if "ExpirationInDays" in rule:
            expiration["Days"] = as_int(rule["ExpirationInDays"])
        if "ExpirationDate" in rule:
            expiration["Date"] = rule["ExpirationDate"]
        if "ExpiredObjectDeleteMarker" in rule:
            expiration["ExpiredObjectDeleteMarker"] = str(rule["ExpiredObjectDeleteMarker"]).lower() == "true"
        if expiration:
            converted["Expiration"] = expiration
        noncurrent = rule.get("NoncurrentVersionExpiration")
        if noncurrent:
            converted["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": as_int(noncurrent["NoncurrentDays"]),
                **(
                    {"NewerNoncurrentVersions": as_int(noncurrent["NewerNoncurrentVersions"])}
                    if "NewerNoncurrentVersions" in noncurrent
                    else {}
                ),
            }
        elif "NoncurrentVersionExpirationInDays" in rule:
            converted["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": as_int(rule["NoncurrentVersionExpirationInDays"])
            }
        if "AbortIncompleteMultipartUpload" in rule:
            converted["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": as_int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
            }
        transitions = [*rule.get("Transitions", []), *([rule["Transition"]] if "Transition" in rule else [])]
        if transitions:
            converted["Transitions"] = [_transition(t) for t in transitions]
        noncurrent_transitions = [
            *rule.get("NoncurrentVersionTransitions", []),
            *([rule["NoncurrentVersionTransition"]] if "NoncurrentVersionTransition" in rule else []),
        ]
        if noncurrent_transitions:
            converted["NoncurrentVersionTransitions"] = [
                _noncurrent_transition(t) for t in noncurrent_transitions
            ]
        rules.append(converted)
    return rules
