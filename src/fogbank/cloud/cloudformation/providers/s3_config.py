"""S3 bucket settings from CloudFormation's shapes to the S3 API's: canned ACLs and lifecycle rules.

Example:
    >>> canned_acl("BucketOwnerFullControl")
    'bucket-owner-full-control'
    >>> lifecycle_rules({"Rules": [{"Id": "old", "Status": "Enabled", "ExpirationInDays": 3}]})
    [{'ID': 'old', 'Status': 'Enabled', 'Filter': {}, 'Expiration': {'Days': 3}}]
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.cloud.cloudformation.providers.common import as_int

__all__ = ["canned_acl", "lifecycle_rules"]


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


def _filter(rule: dict[str, Any]) -> dict[str, Any]:
    tags = [{"Key": t["Key"], "Value": t["Value"]} for t in rule.get("TagFilters") or []]
    prefix = rule.get("Prefix")
    if tags and (prefix or len(tags) > 1):
        return {"And": {**({"Prefix": prefix} if prefix else {}), "Tags": tags}}
    if tags:
        return {"Tag": tags[0]}
    return {"Prefix": prefix} if prefix else {}


def lifecycle_rules(configuration: dict[str, Any]) -> list[dict[str, Any]]:
    """CloudFormation's LifecycleConfiguration as PutBucketLifecycleConfiguration's `Rules`."""
    rules = []
    for rule in configuration.get("Rules", []):
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
                "NoncurrentDays": as_int(noncurrent["NoncurrentDays"])
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
        rules.append(converted)
    return rules
