"""CloudFormation's published resource schemas, as cfn-lint ships them (the pinned version's bundled data).

Only the data files that come inside the cfn-lint package are read (never its download cache), so a schema
is the same on every machine that installed the pinned version.

Example:
    >>> schema = resource_schema("AWS::SQS::Queue")
    >>> "QueueName" in schema["properties"]
    True
    >>> documented_properties("AWS::SQS::Queue")[:2]
    ('ContentBasedDeduplication', 'DeduplicationScope')
"""

from __future__ import annotations

import json
from functools import cache
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

__all__ = ["SCHEMA_REGION", "cfn_lint_version", "documented_properties", "resource_schema"]

# cfn-lint ships one provider table per region; the local cloud validates against us-east-1's, the region
# with every resource type.
SCHEMA_REGION = "us-east-1"


def cfn_lint_version() -> str:
    """The installed cfn-lint's version (pinned in pyproject.toml), e.g. "1.58.0"."""
    return version("cfn-lint")


@cache
def _schemas_dir() -> Path:
    """cfn-lint's bundled schema data, found without importing cfn-lint (its import takes seconds)."""
    spec = find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cfn-lint is not installed; reinstall fogbank (it pins cfn-lint for its schemas)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "schemas"


@cache
def _provider_table() -> dict[str, str]:
    data = _schemas_dir() / "providers" / f"{SCHEMA_REGION}.json"
    table: dict[str, str] = json.loads(data.read_text(encoding="utf-8"))
    return table


@cache
def resource_schema(resource_type: str) -> dict[str, Any] | None:
    """The resource schema of a type (JSON Schema, draft 7 with CloudFormation's keys), or None if unpublished."""
    schema_hash = _provider_table().get(resource_type)
    if schema_hash is None:
        return None
    data = _schemas_dir() / "resources" / f"{schema_hash}.json"
    schema: dict[str, Any] = json.loads(data.read_text(encoding="utf-8"))
    return schema


def documented_properties(resource_type: str) -> tuple[str, ...]:
    """The properties a template may set for a type (the schema's properties minus read-only ones), sorted."""
    schema = resource_schema(resource_type)
    if schema is None:
        return ()
    read_only = {
        pointer.removeprefix("/properties/")
        for pointer in schema.get("readOnlyProperties", [])
        if pointer.count("/") == 2
    }
    return tuple(sorted(name for name in schema.get("properties", {}) if name not in read_only))
