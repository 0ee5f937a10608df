"""Evaluate CloudFormation intrinsic functions, condition functions and pseudo parameters.

The resolver knows nothing about stacks: it asks a `Scope` for parameter values, resource Ref/GetAtt
values, exports and condition results.

Example:
    >>> scope = Scope(parameters={"Env": "dev"}, pseudo=pseudo_parameters("s", "id", "us-east-1", "1"))
    >>> Resolver(scope).resolve({"Fn::Sub": "${Env}-${AWS::Region}"})
    'dev-us-east-1'
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fogbank.cloud.cloudformation.errors import TemplateValidationError

__all__ = ["NO_VALUE", "IntrinsicError", "Resolver", "Scope", "pseudo_parameters", "sub_variables"]

NO_VALUE: Any = type("NoValue", (), {"__repr__": lambda self: "AWS::NoValue"})()
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class IntrinsicError(TemplateValidationError):
    """An intrinsic function was used wrongly, or refers to something that does not exist."""


def pseudo_parameters(stack_name: str, stack_id: str, region: str, account_id: str) -> dict[str, Any]:
    """The AWS::* pseudo parameters for one stack (AWS::NoValue is handled by the resolver)."""
    return {
        "AWS::AccountId": account_id,
        "AWS::Region": region,
        "AWS::StackName": stack_name,
        "AWS::StackId": stack_id,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::NotificationARNs": [],
    }


def sub_variables(template: str) -> list[str]:
    """The `${...}` variable names of an Fn::Sub string, without `${!Literal}` escapes."""
    return [name.strip() for name in _SUB_VARIABLE.findall(template) if not name.startswith("!")]


@dataclass
class Scope:
    """What intrinsics can see. The callables are given by the stack being worked on."""

    parameters: dict[str, Any] = field(default_factory=dict)
    pseudo: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, bool] = field(default_factory=dict)
    resource_ref: Callable[[str], Any] | None = None
    resource_attribute: Callable[[str, str], Any] | None = None
    import_value: Callable[[str], str] | None = None


class Resolver:
    """Turns a template value into a plain value; raises IntrinsicError naming the function and argument."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Join": self._join,
            "Fn::Sub": self._sub,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::Equals": self._equals,
            "Fn::And": lambda args: all(self._bools(args, "Fn::And")),
            "Fn::Or": lambda args: any(self._bools(args, "Fn::Or")),
            "Fn::Not": lambda args: not self._bools(args, "Fn::Not")[0],
            "Fn::FindInMap": self._find_in_map,
            "Fn::GetAZs": self._get_azs,
            "Fn::Base64": lambda arg: base64.b64encode(self._string(arg, "Fn::Base64").encode()).decode(),
            "Fn::ImportValue": self._import_value,
            "Fn::Cidr": self._cidr,
            "Fn::Contains": self._contains,
            "Fn::EachMemberEquals": self._each_member_equals,
            "Fn::EachMemberIn": self._each_member_in,
            "Condition": self._condition,
        }

    # -- walking -----------------------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        """Resolve every intrinsic in `value`; AWS::NoValue removes the key or list item."""
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, argument),) = value.items()
                if key in self._functions:
                    return self._functions[key](argument)
                if key.startswith("Fn::"):
                    raise IntrinsicError(f"Template error: unsupported intrinsic function {key}")
            resolved = {key: self.resolve(item) for key, item in value.items()}
            return {key: item for key, item in resolved.items() if item is not NO_VALUE}
        if isinstance(value, list):
            items = [self.resolve(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        return value

    def condition(self, name: str) -> bool:
        """The value of a named condition."""
        if name not in self.scope.conditions:
            raise IntrinsicError(f"Template format error: Unresolved condition dependency {name} in Fn::If")
        return bool(self.scope.conditions[name])

    def _string(self, value: Any, function: str) -> str:
        resolved = self.resolve(value)
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if isinstance(resolved, (str, int, float)):
            return str(resolved)
        raise IntrinsicError(
            f"Template error: {function} expects a string, got {json.dumps(resolved, default=str)}"
        )

    def _list(self, value: Any, function: str) -> list[Any]:
        resolved = self.resolve(value)
        if not isinstance(resolved, list):
            raise IntrinsicError(
                f"Template error: {function} expects a list, got {json.dumps(resolved, default=str)}"
            )
        return resolved

    def _bools(self, args: Any, function: str) -> list[bool]:
        if not isinstance(args, list) or not args:
            raise IntrinsicError(f"Template error: {function} expects a list of conditions")
        values = [self.resolve(arg) for arg in args]
        if not all(isinstance(value, bool) for value in values):
            raise IntrinsicError(f"Template error: every argument of {function} must be a condition")
        return values

    # -- functions ---------------------------------------------------------------------------------------
    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise IntrinsicError("Template error: Ref expects the name of a parameter or resource")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.scope.pseudo:
            return self.scope.pseudo[name]
        if name in self.scope.parameters:
            return self.scope.parameters[name]
        if self.scope.resource_ref is not None:
            return self.scope.resource_ref(name)
        raise IntrinsicError(
            f"Template format error: Unresolved resource dependencies [{name}] in the Resources block of the template"
        )

    def _get_att(self, argument: Any) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Template error: Fn::GetAtt expects [LogicalId, AttributeName]")
        logical_id, attribute = argument[0], self._string(argument[1], "Fn::GetAtt")
        if self.scope.resource_attribute is None:
            raise IntrinsicError(
                f"Template error: instance of Fn::GetAtt references undefined resource {logical_id}"
            )
        return self.scope.resource_attribute(str(logical_id), attribute)

    def _join(self, argument: Any) -> str:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Template error: Fn::Join expects [delimiter, [values]]")
        delimiter = self._string(argument[0], "Fn::Join")
        return delimiter.join(self._string(item, "Fn::Join") for item in self._list(argument[1], "Fn::Join"))

    def _sub(self, argument: Any) -> str:
        variables: dict[str, Any] = {}
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], dict):
                raise IntrinsicError("Template error: Fn::Sub expects a string or [string, {variables}]")
            text = argument[0]
            variables = {key: self._string(value, "Fn::Sub") for key, value in argument[1].items()}
        else:
            text = argument
        if not isinstance(text, str):
            raise IntrinsicError("Template error: the template of Fn::Sub must be a string")

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            name = name.strip()
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return self._string({"Fn::GetAtt": name.split(".", 1)}, "Fn::Sub")
            return self._string({"Ref": name}, "Fn::Sub")

        return _SUB_VARIABLE.sub(substitute, text)

    def _select(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Template error: Fn::Select expects [index, [values]]")
        index_text = self._string(argument[0], "Fn::Select")
        items = self._list(argument[1], "Fn::Select")
        if not index_text.isdigit() or int(index_text) >= len(items):
            raise IntrinsicError(
                f"Template error: Fn::Select cannot select index {index_text} of a list of {len(items)}"
            )
        return items[int(index_text)]

    def _split(self, argument: Any) -> list[str]:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Template error: Fn::Split expects [delimiter, string]")
        return self._string(argument[1], "Fn::Split").split(self._string(argument[0], "Fn::Split"))

    def _if(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 3 or not isinstance(argument[0], str):
            raise IntrinsicError(
                "Template error: Fn::If expects [condition name, value if true, value if false]"
            )
        return self.resolve(argument[1] if self.condition(argument[0]) else argument[2])

    def _equals(self, argument: Any) -> bool:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Template error: Fn::Equals expects two values")
        left, right = (self.resolve(item) for item in argument)
        return bool(_comparable(left) == _comparable(right))

    def _condition(self, name: Any) -> bool:
        if not isinstance(name, str):
            raise IntrinsicError("Template error: Condition expects a condition name")
        return self.condition(name)

    def _find_in_map(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            raise IntrinsicError(
                "Template error: Fn::FindInMap expects [MapName, TopLevelKey, SecondLevelKey]"
            )
        map_name, top, second = (self._string(item, "Fn::FindInMap") for item in argument[:3])
        mapping = self.scope.mappings.get(map_name)
        if mapping is None:
            raise IntrinsicError(
                f"Template error: Mapping named '{map_name}' is not present in the 'Mappings' section"
            )
        try:
            return mapping[top][second]
        except (KeyError, TypeError):
            raise IntrinsicError(
                f"Template error: Unable to get mapping for {map_name}::{top}::{second}"
            ) from None

    def _get_azs(self, argument: Any) -> list[str]:
        region = self._string(argument, "Fn::GetAZs") or self.scope.pseudo.get("AWS::Region", "us-east-1")
        return [f"{region}{suffix}" for suffix in "abc"]

    def _import_value(self, argument: Any) -> str:
        name = self._string(argument, "Fn::ImportValue")
        if self.scope.import_value is None:
            raise IntrinsicError(f"No export named {name} found.")
        return self.scope.import_value(name)

    def _cidr(self, argument: Any) -> list[str]:
        if not isinstance(argument, list) or len(argument) != 3:
            raise IntrinsicError("Template error: Fn::Cidr expects [ipBlock, count, cidrBits]")
        block, count, bits = (self._string(item, "Fn::Cidr") for item in argument)
        network = ipaddress.ip_network(block, strict=False)
        prefix = network.max_prefixlen - int(bits)
        return [
            str(subnet)
            for subnet, _ in zip(network.subnets(new_prefix=prefix), range(int(count)), strict=False)
        ]

    # -- rule functions ----------------------------------------------------------------------------------
    def _contains(self, argument: Any) -> bool:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Template error: Fn::Contains expects [[values], value]")
        haystack = [_comparable(item) for item in self._list(argument[0], "Fn::Contains")]
        return _comparable(self.resolve(argument[1])) in haystack

    def _each_member_equals(self, argument: Any) -> bool:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Template error: Fn::EachMemberEquals expects [[values], value]")
        expected = _comparable(self.resolve(argument[1]))
        return all(_comparable(item) == expected for item in self._list(argument[0], "Fn::EachMemberEquals"))

    def _each_member_in(self, argument: Any) -> bool:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Template error: Fn::EachMemberIn expects [[values], [allowed]]")
        allowed = {_comparable(item) for item in self._list(argument[1], "Fn::EachMemberIn")}
        return all(_comparable(item) in allowed for item in self._list(argument[0], "Fn::EachMemberIn"))


def _comparable(value: Any) -> Any:
    """CloudFormation compares scalars as strings ("1" equals 1)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value
