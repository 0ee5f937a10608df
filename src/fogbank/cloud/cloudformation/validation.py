"""Pre-deployment property validation: every resource of a template against its published resource schema.

CloudFormation checks resource properties against the registry schemas on CreateStack and UpdateStack, before
any resource is created, and answers a `ValidationError`. The local cloud does the same with the schemas that
cfn-lint ships (`schemas.py`): required properties, types, enums, patterns, lengths, ranges, extraneous keys.
Messages have the registry's shape, e.g.
`Properties validation failed for resource Fn with message: [#: required key [Role] not found]`.

Values that are only known at deploy time (`Fn::GetAtt`, `Ref` to a resource, `Fn::Sub`, ...) are not judged;
`Ref` to a parameter takes the parameter's value, `Fn::If` takes the branch of its condition and
`AWS::NoValue` removes the property. Like CloudFormation, a string holding a number passes as a number, a
"true"/"false" string as a boolean, and a number or boolean as a string.

Example:
    >>> from fogbank.cloud.cloudformation.template import parse_template
    >>> template = parse_template('{"Resources": {"Fn": {"Type": "AWS::Lambda::Function",'
    ...                           ' "Properties": {"MemorySize": 64}}}}')
    >>> for problem in property_problems(template.resources["Fn"], {}, {}):
    ...     print(problem)
    #/MemorySize: failed validation constraint for keyword [minimum]
    #: required key [Code] not found
    #: required key [Role] not found
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

import regex
from jsonschema import Draft7Validator, ValidationError, validators

from fogbank.cloud.cloudformation.errors import TemplateValidationError
from fogbank.cloud.cloudformation.schemas import resource_schema
from fogbank.cloud.cloudformation.template import ResourceDefinition, Template

__all__ = ["UNKNOWN", "property_problems", "validate_template_properties"]


class _Unknown:
    """A value the template computes at deploy time; every schema keyword accepts it."""

    def __repr__(self) -> str:
        return "<deploy-time value>"


UNKNOWN = _Unknown()
_NO_VALUE = object()

_TYPE_NAMES = {
    "string": "String",
    "integer": "Integer",
    "number": "Number",
    "boolean": "Boolean",
    "object": "JSONObject",
    "array": "JSONArray",
    "null": "Null",
}


def _found(instance: Any) -> str:
    if isinstance(instance, bool):
        return "Boolean"
    if isinstance(instance, int):
        return "Integer"
    if isinstance(instance, float):
        return "BigDecimal"
    if isinstance(instance, str):
        return "String"
    if isinstance(instance, dict):
        return "JSONObject"
    if isinstance(instance, list):
        return "JSONArray"
    return "Null"


def _number(instance: Any) -> float | None:
    """A number as CloudFormation reads it: numbers, and strings that hold one."""
    if isinstance(instance, bool):
        return None
    if isinstance(instance, (int, float)):
        return float(instance)
    if isinstance(instance, str):
        try:
            return float(instance.strip())
        except ValueError:
            return None
    return None


def _is_type(instance: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(instance, (str, int, float))  # scalars are strings to CloudFormation
    if kind == "number":
        return _number(instance) is not None
    if kind == "integer":
        number = _number(instance)
        return number is not None and number.is_integer()
    if kind == "boolean":
        return isinstance(instance, bool) or (
            isinstance(instance, str) and instance.lower() in ("true", "false")
        )
    if kind == "object":
        return isinstance(instance, dict)
    if kind == "array":
        return isinstance(instance, list)
    return instance is None


# -- keywords with the registry's messages ------------------------------------------------------------------
Keyword = Callable[[Any, Any, Any, dict[str, Any]], Iterator[ValidationError]]


def _type(validator: Any, types: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    kinds = [types] if isinstance(types, str) else list(types)
    if not any(_is_type(instance, kind) for kind in kinds):
        expected = ", ".join(_TYPE_NAMES.get(kind, kind) for kind in kinds)
        yield ValidationError(f"expected type: {expected}, found: {_found(instance)}")


def _required(
    validator: Any, required: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if isinstance(instance, dict):
        for name in required:
            if name not in instance:
                yield ValidationError(f"required key [{name}] not found")


def _additional_properties(
    validator: Any, allowed: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not isinstance(instance, dict) or allowed is not False:
        yield from Draft7Validator.VALIDATORS["additionalProperties"](validator, allowed, instance, schema)
        return
    patterns = [_compiled(p) for p in schema.get("patternProperties", {})]
    for name in instance:
        if name in schema.get("properties", {}):
            continue
        if any(p is not None and p.search(name) for p in patterns):
            continue
        yield ValidationError(f"extraneous key [{name}] is not permitted")


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    compiled = _compiled(pattern)
    if isinstance(instance, str) and compiled is not None and not compiled.search(instance):
        yield ValidationError("failed validation constraint for keyword [pattern]")


def _compiled(pattern: str) -> Any:
    """The schema's pattern (ECMA/Java syntax) compiled with `regex`; None when it cannot be read."""
    try:
        return _PATTERNS[pattern]
    except KeyError:
        try:
            _PATTERNS[pattern] = regex.compile(pattern)
        except (regex.error, TypeError):
            _PATTERNS[pattern] = None
        return _PATTERNS[pattern]


_PATTERNS: dict[str, Any] = {}


def _length(kind: str) -> Keyword:
    def check(validator: Any, limit: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if not isinstance(instance, str):
            return
        if (kind == "minLength" and len(instance) < limit) or (kind == "maxLength" and len(instance) > limit):
            yield ValidationError(f"expected {kind}: {limit}, actual: {len(instance)}")

    return check


def _items_count(kind: str) -> Keyword:
    def check(validator: Any, limit: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if not isinstance(instance, list):
            return
        if kind == "minItems" and len(instance) < limit:
            yield ValidationError(f"expected minimum item count: {limit}, found: {len(instance)}")
        if kind == "maxItems" and len(instance) > limit:
            yield ValidationError(f"expected maximum item count: {limit}, found: {len(instance)}")

    return check


def _bound(kind: str) -> Keyword:
    def check(validator: Any, limit: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        number = None if isinstance(instance, str) and not _is_type(instance, "number") else _number(instance)
        if number is None:
            return
        failed = {
            "minimum": number < limit,
            "maximum": number > limit,
            "exclusiveMinimum": number <= limit,
            "exclusiveMaximum": number >= limit,
        }[kind]
        if failed:
            yield ValidationError(f"failed validation constraint for keyword [{kind}]")

    return check


def _enum(validator: Any, allowed: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    candidates = {
        str(v).lower() if isinstance(v, bool) else str(v) for v in allowed if not isinstance(v, dict)
    }
    value = str(instance).lower() if isinstance(instance, bool) else instance
    if isinstance(instance, (dict, list)):
        if instance not in allowed:
            yield ValidationError("failed validation constraint for keyword [enum]")
    elif str(value) not in candidates:
        yield ValidationError("failed validation constraint for keyword [enum]")


def _contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return False


def _unique_items(
    validator: Any, unique: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not unique or not isinstance(instance, list) or _contains_unknown(instance):
        return  # two deploy-time values may well differ
    seen: list[Any] = []
    for item in instance:
        if item in seen:
            yield ValidationError("failed validation constraint for keyword [uniqueItems]")
            return
        seen.append(item)


def _one_of(
    validator: Any, branches: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    matching = sum(1 for branch in branches if validator.evolve(schema=branch).is_valid(instance))
    if matching == 0 or (matching > 1 and not _contains_unknown(instance)):
        yield ValidationError("failed validation constraint for keyword [oneOf]")


def _not(validator: Any, forbidden: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if not _contains_unknown(instance) and validator.evolve(schema=forbidden).is_valid(instance):
        yield ValidationError("failed validation constraint for keyword [not]")


def _scrubbed(keyword: str, original: Keyword) -> Keyword:
    """Keywords whose message the registry reduces to the rule's name (it never echoes values)."""

    def check(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        for error in original(validator, value, instance, schema):
            error.message = f"failed validation constraint for keyword [{keyword}]"
            yield error
            return

    return check


def _skipping_unknown(original: Keyword) -> Keyword:
    def check(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if instance is UNKNOWN:
            return
        yield from original(validator, value, instance, schema)

    return check


_OWN: dict[str, Keyword] = {
    "type": _type,
    "required": _required,
    "additionalProperties": _additional_properties,
    "pattern": _pattern,
    "enum": _enum,
    "uniqueItems": _unique_items,
    "oneOf": _one_of,
    "not": _not,
    "minLength": _length("minLength"),
    "maxLength": _length("maxLength"),
    "minItems": _items_count("minItems"),
    "maxItems": _items_count("maxItems"),
    "minimum": _bound("minimum"),
    "maximum": _bound("maximum"),
    "exclusiveMinimum": _bound("exclusiveMinimum"),
    "exclusiveMaximum": _bound("exclusiveMaximum"),
}
# Keywords that only descend into subschemas (their children report) or that a template cannot break by form.
_DESCENDING = {
    "$ref",
    "properties",
    "items",
    "additionalItems",
    "allOf",
    "if",
    "then",
    "else",
    "dependencies",
}
_IGNORED = {"format", "patternProperties", "propertyNames", "contains", "const", "multipleOf"}


def _keywords() -> dict[str, Keyword]:
    table: dict[str, Keyword] = {}
    for keyword, original in Draft7Validator.VALIDATORS.items():
        if keyword in _IGNORED:
            continue
        if keyword in _OWN:
            chosen = _OWN[keyword]
        elif keyword in _DESCENDING:
            chosen = original
        else:
            chosen = _scrubbed(keyword, original)
        table[keyword] = _skipping_unknown(chosen)
    return table


_CfnValidator = validators.create(
    meta_schema=Draft7Validator.META_SCHEMA,
    validators=_keywords(),
    type_checker=Draft7Validator.TYPE_CHECKER,
    version="cloudformation-registry",
)


# -- template values -> what the schema sees ---------------------------------------------------------------
def _known(value: Any, parameters: Mapping[str, Any], conditions: Mapping[str, bool]) -> Any:
    """The template value with parameters and conditions applied, deploy-time values as UNKNOWN."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                if argument == "AWS::NoValue":
                    return _NO_VALUE
                if isinstance(argument, str) and argument in parameters:
                    return parameters[argument]
                return UNKNOWN
            if key == "Fn::If" and isinstance(argument, list) and len(argument) == 3:
                condition = argument[0]
                if isinstance(condition, str) and condition in conditions:
                    return _known(
                        argument[1] if conditions[condition] else argument[2], parameters, conditions
                    )
                return UNKNOWN
            if key.startswith("Fn::"):
                return UNKNOWN
        known = {k: _known(v, parameters, conditions) for k, v in value.items()}
        return {k: v for k, v in known.items() if v is not _NO_VALUE}
    if isinstance(value, list):
        items = [_known(v, parameters, conditions) for v in value]
        return [v for v in items if v is not _NO_VALUE]
    return value


@cache
def _validator(resource_type: str) -> Any:
    """One validator per type (jsonschema resolves its $refs once)."""
    return _CfnValidator(resource_schema(resource_type))


def _pointer(error: ValidationError) -> str:
    return "/".join(["#", *(str(part) for part in error.absolute_path)])


def property_problems(
    resource: ResourceDefinition, parameters: Mapping[str, Any], conditions: Mapping[str, bool]
) -> list[str]:
    """What is wrong with a resource's properties, each as `#/Path: rule` (empty when valid or unpublished)."""
    schema = resource_schema(resource.type)
    if schema is None:
        return []
    properties = _known(resource.properties, parameters, conditions)
    if properties is UNKNOWN or not isinstance(properties, dict):
        return [] if properties is UNKNOWN else ["#: expected type: JSONObject, found: " + _found(properties)]
    validator = _validator(resource.type)
    problems = [f"{_pointer(error)}: {error.message}" for error in validator.iter_errors(properties)]
    return sorted(dict.fromkeys(problems))


def validate_template_properties(
    template: Template, active: set[str], parameters: Mapping[str, Any], conditions: Mapping[str, bool]
) -> None:
    """Raise ValidationError naming every active resource whose properties break its schema.

    Example:
        >>> from fogbank.cloud.cloudformation.template import parse_template
        >>> template = parse_template('{"Resources": {"Q": {"Type": "AWS::SQS::Queue",'
        ...                           ' "Properties": {"DelaySeconds": 901}}}}')
        >>> validate_template_properties(template, {"Q"}, {}, {})
        Traceback (most recent call last):
        ...
        fogbank.cloud.cloudformation.errors.TemplateValidationError: Properties validation failed for \
resource Q with message: [#/DelaySeconds: failed validation constraint for keyword [maximum]]
    """
    failures = []
    for logical_id, resource in template.resources.items():
        if logical_id not in active:
            continue
        problems = property_problems(resource, parameters, conditions)
        if problems:
            failures.append(
                f"Properties validation failed for resource {logical_id} with message: [{', '.join(problems)}]"
            )
    if failures:
        raise TemplateValidationError("\n".join(failures))
