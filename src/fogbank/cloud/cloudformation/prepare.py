"""Before any resource is touched: parameters (incl. SSM types), Rules, Conditions and the active graph.

Example:
    >>> from fogbank.cloud.cloudformation.template import parse_template
    >>> t = parse_template('{"Parameters": {"N": {"Type": "String", "Default": "x"}},'
    ...                    ' "Resources": {"A": {"Type": "T"}}}')
    >>> prepare(t, {}, StackIdentity("s", "id", "us-east-1", "1"), ssm_lookup=lambda name: "").parameters
    {'N': 'x'}
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fogbank.cloud.cloudformation.errors import TemplateValidationError
from fogbank.cloud.cloudformation.graph import DependencyGraph, build_graph, validate_references
from fogbank.cloud.cloudformation.intrinsics import IntrinsicError, Resolver, Scope, pseudo_parameters
from fogbank.cloud.cloudformation.template import Template

__all__ = ["Prepared", "StackIdentity", "prepare", "resolve_parameters"]

_SSM_TYPE = re.compile(r"^AWS::SSM::Parameter::Value<(?P<inner>.+)>$")
_LIST_TYPES = re.compile(r"^(List<.+>|CommaDelimitedList)$")


@dataclass(frozen=True)
class StackIdentity:
    """Who the stack is: what the pseudo parameters say."""

    name: str
    stack_id: str
    region: str
    account_id: str

    def pseudo(self) -> dict[str, Any]:
        return pseudo_parameters(self.name, self.stack_id, self.region, self.account_id)


@dataclass(frozen=True)
class Prepared:
    """A template ready to execute: resolved parameters, condition values, active resources and their graph."""

    template: Template
    raw_parameters: dict[str, str]
    parameters: dict[str, Any]
    conditions: dict[str, bool]
    active: set[str]
    graph: DependencyGraph


def resolve_parameters(
    template: Template, given: dict[str, str], ssm_lookup: Callable[[str], str]
) -> tuple[dict[str, str], dict[str, Any]]:
    """(value per parameter as given or defaulted, value as intrinsics see it); ValidationError in AWS's words."""
    unknown = sorted(set(given) - set(template.parameters))
    if unknown:
        raise TemplateValidationError(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    missing = [name for name, p in template.parameters.items() if name not in given and p.default is None]
    if missing:
        raise TemplateValidationError(f"Parameters: [{', '.join(missing)}] must have values")
    raw: dict[str, str] = {}
    resolved: dict[str, Any] = {}
    unfetched: list[str] = []
    for name, parameter in template.parameters.items():
        value = given[name] if name in given else str(parameter.default)
        raw[name] = value
        if parameter.allowed_values and value not in parameter.allowed_values:
            raise TemplateValidationError(
                f"Parameter '{name}' must be one of AllowedValues ({', '.join(parameter.allowed_values)})"
            )
        kind = parameter.type
        ssm = _SSM_TYPE.match(kind)
        if ssm is not None:
            try:
                value = ssm_lookup(value)
            except LookupError:
                unfetched.append(value)
                continue
            kind = ssm.group("inner")
        if kind == "Number":
            try:
                float(value)
            except ValueError:
                raise TemplateValidationError(f"Parameter '{name}' must be a number not '{value}'") from None
        resolved[name] = [item.strip() for item in value.split(",")] if _LIST_TYPES.match(kind) else value
    if unfetched:
        raise TemplateValidationError(
            f"Unable to fetch parameters [{','.join(unfetched)}] from parameter store for this account."
        )
    return raw, resolved


class _LazyConditions(dict[str, bool]):
    """Conditions evaluated on first use, so that one condition can refer to another."""

    def __init__(
        self, definitions: dict[str, Any], resolver_for: Callable[[Scope], Resolver], scope: Scope
    ) -> None:
        super().__init__()
        self._definitions = definitions
        self._resolver = resolver_for(scope)
        self._evaluating: set[str] = set()

    def __contains__(self, name: object) -> bool:
        return name in self._definitions

    def __getitem__(self, name: str) -> bool:
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        if name in self._evaluating:
            raise TemplateValidationError(f"Template format error: Circular dependency in condition {name}")
        self._evaluating.add(name)
        value = self._resolver.resolve(self._definitions[name])
        self._evaluating.discard(name)
        if not isinstance(value, bool):
            raise TemplateValidationError(
                f"Template format error: condition {name} must be a condition function (Fn::Equals, Fn::And, ...)"
            )
        dict.__setitem__(self, name, value)
        return value


def _evaluate_conditions(template: Template, scope: Scope) -> dict[str, bool]:
    lazy = _LazyConditions(template.conditions, Resolver, scope)
    scope.conditions = lazy
    return {name: lazy[name] for name in template.conditions}


def _evaluate_rules(template: Template, scope: Scope) -> None:
    resolver = Resolver(scope)
    for rule_name, rule in template.rules.items():
        if not isinstance(rule, dict):
            raise TemplateValidationError(f"Template format error: rule {rule_name} must be an object")
        if "RuleCondition" in rule and resolver.resolve(rule["RuleCondition"]) is not True:
            continue
        for assertion in rule.get("Assertions", []):
            if resolver.resolve(assertion.get("Assert")) is not True:
                description = assertion.get("AssertDescription") or f"Assertion of rule {rule_name} failed"
                raise TemplateValidationError(description)


def prepare(
    template: Template,
    given: dict[str, str],
    identity: StackIdentity,
    ssm_lookup: Callable[[str], str],
) -> Prepared:
    """Validate references, resolve parameters, check Rules and evaluate Conditions (ValidationError on failure)."""
    validate_references(template)
    raw, parameters = resolve_parameters(template, given, ssm_lookup)
    scope = Scope(parameters=parameters, pseudo=identity.pseudo(), mappings=template.mappings)
    try:
        conditions = _evaluate_conditions(template, scope)
        scope.conditions = conditions
        _evaluate_rules(template, scope)
    except IntrinsicError as exc:
        raise TemplateValidationError(exc.message) from exc
    active = {lid for lid, r in template.resources.items() if r.condition is None or conditions[r.condition]}
    return Prepared(template, raw, parameters, conditions, active, build_graph(template, active))
