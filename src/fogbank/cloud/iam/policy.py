"""IAM policy documents: parsed once into statements the evaluator can test quickly.

Every element is normalized: single strings become tuples, `Principal: "*"` becomes `{"AWS": ("*",)}`,
condition operators and keys keep their spelling (keys are compared case-insensitively).

Example:
    >>> doc = parse_policy('{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}')
    >>> doc.statements[0].actions
    ('s3:GetObject',)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import unquote

__all__ = ["ConditionBlock", "PolicyDocument", "PolicyError", "Statement", "parse_policy"]

Effect = Literal["Allow", "Deny"]
ConditionBlock = tuple[tuple[str, str, tuple[str, ...]], ...]  # (operator, key, values)


class PolicyError(ValueError):
    """A policy document that IAM would reject (MalformedPolicyDocument)."""


@dataclass(frozen=True)
class Statement:
    """One statement. Exactly one of actions/not_actions is set, and at most one of resources/not_resources."""

    effect: Effect
    sid: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principals: Mapping[str, tuple[str, ...]] | None
    not_principals: Mapping[str, tuple[str, ...]] | None
    conditions: ConditionBlock


@dataclass(frozen=True)
class PolicyDocument:
    """A parsed policy; `name` says where it came from (for messages and reports)."""

    statements: tuple[Statement, ...]
    name: str = ""


def _strings(value: Any, element: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise PolicyError(f"{element} must be a string or a list of strings, got {value!r}")


def _principals(value: Any) -> Mapping[str, tuple[str, ...]]:
    if value == "*":
        return {"AWS": ("*",)}
    if not isinstance(value, dict):
        raise PolicyError(f'Principal must be "*" or an object like {{"AWS": ...}}, got {value!r}')
    return {key: _strings(names, f"Principal.{key}") for key, names in value.items()}


def _conditions(value: Any) -> ConditionBlock:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise PolicyError(f"Condition must be an object of operators, got {value!r}")
    block: list[tuple[str, str, tuple[str, ...]]] = []
    for operator, tests in value.items():
        if not isinstance(tests, dict):
            raise PolicyError(f"Condition {operator} must map condition keys to values, got {tests!r}")
        for key, expected in tests.items():
            values = expected if isinstance(expected, list) else [expected]
            block.append((operator, key, tuple(_scalar(item) for item in values)))
    return tuple(block)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise PolicyError(f"a condition value must be a string, number or boolean, got {value!r}")


def _statement(raw: Any, index: int) -> Statement:
    if not isinstance(raw, dict):
        raise PolicyError(f"Statement {index} must be an object, got {raw!r}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f'Statement {index}: Effect must be "Allow" or "Deny", got {effect!r}')
    if ("Action" in raw) == ("NotAction" in raw):
        raise PolicyError(f"Statement {index} must have exactly one of Action and NotAction")
    if "Resource" in raw and "NotResource" in raw:
        raise PolicyError(f"Statement {index} cannot have both Resource and NotResource")
    return Statement(
        effect=effect,
        sid=str(raw.get("Sid", "")),
        actions=_strings(raw["Action"], "Action") if "Action" in raw else None,
        not_actions=_strings(raw["NotAction"], "NotAction") if "NotAction" in raw else None,
        resources=_strings(raw["Resource"], "Resource") if "Resource" in raw else None,
        not_resources=_strings(raw["NotResource"], "NotResource") if "NotResource" in raw else None,
        principals=_principals(raw["Principal"]) if "Principal" in raw else None,
        not_principals=_principals(raw["NotPrincipal"]) if "NotPrincipal" in raw else None,
        conditions=_conditions(raw.get("Condition")),
    )


def parse_policy(document: str | Mapping[str, Any], name: str = "") -> PolicyDocument:
    """Parse a policy document (JSON text, URL-encoded JSON as IAM returns it, or a dict)."""
    if isinstance(document, str):
        return _parse_text(document, name)
    return _parse_mapping(document, name)


@lru_cache(maxsize=2048)
def _parse_text(text: str, name: str) -> PolicyDocument:
    stripped = text.strip()
    if stripped.startswith("%7B") or stripped.startswith("%7b"):
        stripped = unquote(stripped)
    try:
        loaded = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"policy {name!r} is not valid JSON ({exc}); fix the document") from exc
    if not isinstance(loaded, dict):
        raise PolicyError(f"policy {name!r} must be a JSON object")
    return _parse_mapping(loaded, name)


def _parse_mapping(document: Mapping[str, Any], name: str) -> PolicyDocument:
    raw = document.get("Statement")
    if raw is None:
        raise PolicyError(f"policy {name!r} has no Statement")
    statements = raw if isinstance(raw, list) else [raw]
    return PolicyDocument(tuple(_statement(item, i) for i, item in enumerate(statements)), name)
