"""Parse a CloudFormation template (JSON or YAML with short-form tags) and check its structure.

Example:
    >>> t = parse_template('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}')
    >>> t.resources["Q"].type
    'AWS::SQS::Queue'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from fogbank.cloud.cloudformation.errors import TemplateValidationError

__all__ = ["Output", "Parameter", "ResourceDefinition", "Template", "parse_template"]

_TOP_LEVEL = {
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
}
_RESOURCE_KEYS = {
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
    "CreationPolicy",
    "UpdatePolicy",
}
_POLICIES = {"Delete", "Retain", "Snapshot", "RetainExceptOnCreate"}
_SHORT_TAGS = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in [
            "GetAtt",
            "Join",
            "Sub",
            "Select",
            "Split",
            "If",
            "Equals",
            "And",
            "Or",
            "Not",
            "FindInMap",
            "GetAZs",
            "Base64",
            "ImportValue",
            "Cidr",
            "Contains",
            "EachMemberEquals",
            "EachMemberIn",
            "RefAll",
            "ValueOf",
            "ValueOfAll",
            "Length",
            "ToJsonString",
            "Transform",
        ]
    },
}


@dataclass(frozen=True)
class Parameter:
    """One entry of the Parameters section."""

    name: str
    type: str
    default: str | None
    no_echo: bool
    allowed_values: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class ResourceDefinition:
    """One entry of the Resources section, unresolved."""

    logical_id: str
    type: str
    properties: dict[str, Any]
    depends_on: tuple[str, ...]
    condition: str | None
    deletion_policy: str
    update_replace_policy: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Output:
    """One entry of the Outputs section, unresolved."""

    name: str
    value: Any
    description: str | None
    export_name: Any
    condition: str | None


@dataclass(frozen=True)
class Template:
    """A parsed template; `body` is the original text (GetTemplate returns it)."""

    body: str
    raw: dict[str, Any]
    description: str | None
    parameters: dict[str, Parameter]
    mappings: dict[str, Any]
    conditions: dict[str, Any]
    rules: dict[str, Any]
    resources: dict[str, ResourceDefinition]
    outputs: dict[str, Output]


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that understands `!Ref`, `!GetAtt A.B`, `!Sub` and the other short forms."""


def _short_form(tag: str, function: str) -> None:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if function == "Fn::GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {function: value}

    _CfnLoader.add_constructor(f"!{tag}", construct)


for _tag, _function in _SHORT_TAGS.items():
    _short_form(_tag, _function)
# YAML 1.1 reads on/off/yes/no as booleans; CloudFormation keeps them as strings, and keeps timestamps too.
_CfnLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp",)]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load(body: str) -> Any:
    stripped = body.lstrip()
    if stripped.startswith("{"):
        try:
            return json.loads(body)
        except json.JSONDecodeError as exc:
            raise TemplateValidationError(
                f"Template format error: JSON not well-formed. (line {exc.lineno}, column {exc.colno})"
            ) from exc
    try:
        return yaml.load(body, Loader=_CfnLoader)
    except yaml.YAMLError as exc:
        raise TemplateValidationError(f"Template format error: YAML not well-formed. {exc}") from exc


def _as_list(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise TemplateValidationError(f"Template format error: {what} must be a string or a list of strings")


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name) or {}
    if not isinstance(value, dict):
        raise TemplateValidationError(f"Template format error: {name} section must be an object")
    return value


def _parameter(name: str, spec: Any) -> Parameter:
    if not isinstance(spec, dict) or "Type" not in spec:
        raise TemplateValidationError(
            f"Template format error: Every Parameters object must contain a Type member. (parameter {name})"
        )
    default = spec.get("Default")
    if isinstance(default, list):
        default = ",".join(str(item) for item in default)
    return Parameter(
        name=name,
        type=str(spec["Type"]),
        default=None if default is None else str(default),
        no_echo=str(spec.get("NoEcho", "false")).lower() == "true",
        allowed_values=tuple(str(v) for v in spec.get("AllowedValues", ())),
        description=str(spec.get("Description", "")),
    )


def _resource(logical_id: str, spec: Any) -> ResourceDefinition:
    if not isinstance(spec, dict):
        raise TemplateValidationError(f"Template format error: resource {logical_id} must be an object")
    unknown = sorted(set(spec) - _RESOURCE_KEYS)
    if unknown:
        raise TemplateValidationError(
            f"Template format error: Unrecognized resource attribute(s) {unknown} on resource {logical_id}"
        )
    if not isinstance(spec.get("Type"), str) or not spec["Type"]:
        raise TemplateValidationError(
            f"Template format error: [/Resources/{logical_id}] Every Resources object must contain a Type member."
        )
    properties = spec.get("Properties") or {}
    if not isinstance(properties, dict):
        raise TemplateValidationError(f"Template format error: Properties of {logical_id} must be an object")
    policies = {key: str(spec.get(key, "Delete")) for key in ("DeletionPolicy", "UpdateReplacePolicy")}
    for key, value in policies.items():
        if value not in _POLICIES:
            raise TemplateValidationError(
                f"Template format error: {key} of {logical_id} must be one of {sorted(_POLICIES)}, got {value!r}"
            )
    return ResourceDefinition(
        logical_id=logical_id,
        type=spec["Type"],
        properties=properties,
        depends_on=_as_list(spec.get("DependsOn"), f"DependsOn of {logical_id}"),
        condition=spec.get("Condition"),
        deletion_policy=policies["DeletionPolicy"],
        update_replace_policy=policies["UpdateReplacePolicy"],
        metadata=spec.get("Metadata") or {},
    )


def _output(name: str, spec: Any) -> Output:
    if not isinstance(spec, dict) or "Value" not in spec:
        raise TemplateValidationError(
            f"Template format error: Every Outputs member must contain a Value object (output {name})"
        )
    export = spec.get("Export")
    return Output(
        name=name,
        value=spec["Value"],
        description=spec.get("Description"),
        export_name=export.get("Name") if isinstance(export, dict) else None,
        condition=spec.get("Condition"),
    )


def parse_template(body: str) -> Template:
    """Parse and structurally check a template; raises TemplateValidationError with AWS's wording."""
    raw = _load(body)
    if not isinstance(raw, dict):
        raise TemplateValidationError("Template format error: template must be a JSON or YAML object")
    unknown = sorted(set(raw) - _TOP_LEVEL)
    if unknown:
        raise TemplateValidationError(f"Template format error: Unrecognized template section(s) {unknown}")
    if raw.get("Transform"):
        raise TemplateValidationError(
            f"Template format error: Transform {raw['Transform']!r} is unsupported by the local cloud; "
            "synthesize the template without macros (for SAM, run `sam build`/`sam package` output through CDK)"
        )
    resources = _section(raw, "Resources")
    if not resources:
        raise TemplateValidationError("Template format error: At least one Resources member must be defined.")
    return Template(
        body=body,
        raw=raw,
        description=raw.get("Description"),
        parameters={name: _parameter(name, spec) for name, spec in _section(raw, "Parameters").items()},
        mappings=_section(raw, "Mappings"),
        conditions=_section(raw, "Conditions"),
        rules=_section(raw, "Rules"),
        resources={lid: _resource(lid, spec) for lid, spec in resources.items()},
        outputs={name: _output(name, spec) for name, spec in _section(raw, "Outputs").items()},
    )
