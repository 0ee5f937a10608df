"""What a rule's target receives: the event, a constant `Input`, the part at `InputPath`, or an `InputTransformer`.

JSON paths are dot notation with array indices (EventBridge's wildcards are not supported) (`$.detail.items[0].id`); a path that finds nothing
gives `null`. An InputTemplate that is a JSON object or array takes placeholders as JSON values outside quotes
and as text inside quotes; any other template is text, and string values go in as they are. The predefined
variables are `aws.events.rule-arn`, `aws.events.rule-name`, `aws.events.event.ingestion-time`,
`aws.events.event` (the event without `detail`) and `aws.events.event.json` (the whole event).

Example:
    >>> event = {"id": "1", "detail": {"instance": "i-1", "state": "running"}}
    >>> transformer = {"InputPathsMap": {"i": "$.detail.instance", "s": "$.detail.state"},
    ...                "InputTemplate": '{"text": "<i> is <s>", "instance": <i>}'}
    >>> target_input({"Id": "t", "Arn": "a", "InputTransformer": transformer}, event, RuleContext("n", "arn"))
    '{"text": "i-1 is running", "instance": "i-1"}'
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["InputError", "RuleContext", "check_target_input", "json_path", "target_input"]

_STEP = re.compile(r"\.([A-Za-z0-9_\-/]+)|\[(\d+)\]")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_MISSING = object()


class InputError(ValueError):
    """A target's Input, InputPath or InputTransformer that EventBridge would refuse (names the problem)."""


@dataclass(frozen=True)
class RuleContext:
    """The rule whose target is being fed (for the predefined variables)."""

    name: str
    arn: str
    ingestion_time: float = field(default_factory=time.time)


def _steps(path: str) -> list[str | int]:
    if not path.startswith("$"):
        raise InputError(f"JSON path {path!r} must start with $")
    steps: list[str | int] = []
    position = 1
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            raise InputError(
                f"JSON path {path!r} is not supported by the local cloud's EventBridge: use dot notation and "
                "array indices (for example $.detail.items[0].id); wildcards are not supported"
            )
        steps.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    return steps


def json_path(document: Any, path: str) -> Any:
    """The value at `path` in `document`; None when the path finds nothing.

    Example:
        >>> json_path({"detail": {"items": [{"id": 7}]}}, "$.detail.items[0].id")
        7
    """
    value: Any = document
    for step in _steps(path):
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else _MISSING
        else:
            value = value.get(step, _MISSING) if isinstance(value, dict) else _MISSING
        if value is _MISSING:
            return None
    return value


def check_target_input(target: dict[str, Any]) -> None:
    """Refuse what PutTargets refuses: more than one of Input/InputPath/InputTransformer, Input that is not JSON,
    paths EventBridge cannot read, a template without InputTemplate."""
    given = [key for key in ("Input", "InputPath", "InputTransformer") if target.get(key) not in (None, "")]
    if len(given) > 1:
        raise InputError(f"target {target.get('Id')}: only one of {', '.join(given)} may be set")
    if "Input" in given:
        try:
            json.loads(target["Input"])
        except ValueError:
            raise InputError(f"target {target.get('Id')}: Input must be valid JSON text") from None
    if "InputPath" in given:
        _checked_path(target, str(target["InputPath"]))
    if "InputTransformer" in given:
        transformer = target["InputTransformer"]
        if not transformer.get("InputTemplate"):
            raise InputError(f"target {target.get('Id')}: InputTransformer needs an InputTemplate")
        for name, path in (transformer.get("InputPathsMap") or {}).items():
            if str(name).lower().startswith("aws."):
                raise InputError(
                    f"target {target.get('Id')}: InputPathsMap key {name} may not start with aws."
                )
            _checked_path(target, str(path))


def _checked_path(target: dict[str, Any], path: str) -> None:
    try:
        _steps(path)
    except InputError as exc:
        raise InputError(f"target {target.get('Id')}: {exc}") from None


def target_input(target: dict[str, Any], event: dict[str, Any], rule: RuleContext) -> str:
    """The text EventBridge sends to `target` for `event` (the envelope), as its settings say."""
    if target.get("Input") not in (None, ""):
        return str(target["Input"])
    if target.get("InputPath") not in (None, ""):
        return json.dumps(json_path(event, str(target["InputPath"])))
    transformer = target.get("InputTransformer")
    if transformer:
        return _render(transformer, event, rule)
    return json.dumps(event)


def _render(transformer: dict[str, Any], event: dict[str, Any], rule: RuleContext) -> str:
    template = str(transformer["InputTemplate"])
    values: dict[str, Any] = {
        name: json_path(event, str(path)) for name, path in (transformer.get("InputPathsMap") or {}).items()
    }
    values["aws.events.rule-arn"] = rule.arn
    values["aws.events.rule-name"] = rule.name
    values["aws.events.event.ingestion-time"] = time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(rule.ingestion_time)
    )
    raw = {
        "aws.events.event": json.dumps({k: v for k, v in event.items() if k != "detail"}),
        "aws.events.event.json": json.dumps(event),
    }
    json_template = template.lstrip()[:1] in ("{", "[")
    out: list[str] = []
    in_string = False
    position = 0
    while position < len(template):
        char = template[position]
        match = _PLACEHOLDER.match(template, position) if char == "<" else None
        if match is not None and (match.group(1) in values or match.group(1) in raw):
            name = match.group(1)
            if name in raw:
                out.append(raw[name])
            else:
                out.append(_placeholder_text(values[name], quoted=in_string or not json_template))
            position = match.end()
            continue
        if json_template and char == '"' and not _escaped(template, position):
            in_string = not in_string
        out.append(char)
        position += 1
    return "".join(out)


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _placeholder_text(value: Any, *, quoted: bool) -> str:
    if not quoted:
        return json.dumps(value)
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value)
    return json.dumps(text)[1:-1]
