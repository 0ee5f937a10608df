"""The event a direct Lambda resolver receives, built field by field as AppSync builds it.

Keys: `arguments`, `identity` (null for API_KEY; the caller for AWS_IAM), `source` (the parent's result, null
at the root), `request` (`headers` in lower case, `domainName`), `prev` (`{"result": ...}` in a pipeline,
else null), `stash`, and `info` (`fieldName`, `parentTypeName`, `variables`, `selectionSetList`,
`selectionSetGraphQL`).

Example:
    >>> selection_set_list(parse_selection("{ id author { name } }"))
    ['id', 'author', 'author/name']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLResolveInfo, parse, print_ast
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

__all__ = ["RequestContext", "direct_lambda_event", "parse_selection", "selection_set_list"]


@dataclass(frozen=True)
class RequestContext:
    """What AppSync knows about the HTTP request: who called (identity) and the request headers."""

    identity: dict[str, Any] | None
    headers: dict[str, str]
    domain_name: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)  # as the client sent them


def direct_lambda_event(
    info: GraphQLResolveInfo[Any],
    arguments: Mapping[str, Any],
    source: Any,
    request: RequestContext,
    *,
    prev: Any = None,
    stash: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The direct Lambda resolver event for one field."""
    fragments = info.fragments
    selection = info.field_nodes[0].selection_set
    return {
        "arguments": dict(arguments),
        "identity": request.identity,
        "source": source,
        "request": {"headers": dict(request.headers), "domainName": request.domain_name},
        "prev": prev,
        "info": {
            "selectionSetList": selection_set_list(selection, fragments),
            "selectionSetGraphQL": selection_set_graphql(selection, fragments),
            "parentTypeName": info.parent_type.name,
            "fieldName": info.field_name,
            "variables": dict(request.variables),
        },
        "stash": stash if stash is not None else {},
    }


def selection_set_list(
    selection: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode] | None = None,
    prefix: str = "",
) -> list[str]:
    """Every field below this one as a `/`-separated path, fragments expanded (AppSync's selectionSetList)."""
    paths: list[str] = []
    for node in selection.selections if selection else ():
        if isinstance(node, FieldNode):
            if node.name.value.startswith("__"):
                continue
            path = f"{prefix}{node.name.value}"
            if path not in paths:
                paths.append(path)
            for child in selection_set_list(node.selection_set, fragments, f"{path}/"):
                if child not in paths:
                    paths.append(child)
        elif isinstance(node, InlineFragmentNode):
            paths += [p for p in selection_set_list(node.selection_set, fragments, prefix) if p not in paths]
        elif isinstance(node, FragmentSpreadNode) and fragments and node.name.value in fragments:
            spread = fragments[node.name.value].selection_set
            paths += [p for p in selection_set_list(spread, fragments, prefix) if p not in paths]
    return paths


def selection_set_graphql(
    selection: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode] | None = None
) -> str:
    """The field's selection set as GraphQL text, followed by the fragments it spreads (selectionSetGraphQL)."""
    if selection is None:
        return ""
    text = print_ast(selection)
    used: list[str] = []
    _spreads(selection, fragments or {}, used)
    for name in used:
        text += "\n\n" + print_ast((fragments or {})[name])
    return text


def _spreads(
    selection: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode], used: list[str]
) -> None:
    for node in selection.selections if selection else ():
        if isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            if node.name.value not in used:
                used.append(node.name.value)
                _spreads(fragments[node.name.value].selection_set, fragments, used)
        elif isinstance(node, FieldNode | InlineFragmentNode):
            _spreads(node.selection_set, fragments, used)


def parse_selection(text: str) -> SelectionSetNode:
    """The selection set of a one-operation document (for tests and examples)."""
    operation = parse(text).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set
