"""The dependency graph of a template's resources, from Ref, Fn::GetAtt, Fn::Sub and DependsOn.

Example:
    >>> from fogbank.cloud.cloudformation.template import parse_template
    >>> t = parse_template('{"Resources": {"A": {"Type": "T"}, "B": {"Type": "T", "DependsOn": "A"}}}')
    >>> build_graph(t, set(t.resources)).dependencies
    {'A': set(), 'B': {'A'}}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fogbank.cloud.cloudformation.errors import TemplateValidationError
from fogbank.cloud.cloudformation.intrinsics import sub_variables
from fogbank.cloud.cloudformation.template import Template

__all__ = ["DependencyGraph", "build_graph", "references", "validate_references"]


@dataclass(frozen=True)
class DependencyGraph:
    """`dependencies[x]` is what x needs created first; `dependants` is the reverse (what must go first on delete)."""

    dependencies: dict[str, set[str]]

    @property
    def dependants(self) -> dict[str, set[str]]:
        reverse: dict[str, set[str]] = {name: set() for name in self.dependencies}
        for name, needs in self.dependencies.items():
            for need in needs:
                reverse[need].add(name)
        return reverse


def references(value: Any) -> tuple[set[str], set[str]]:
    """(names used by Ref or as a Sub variable, resource ids used by GetAtt) anywhere in `value`."""
    refs: set[str] = set()
    atts: set[str] = set()

    def walk(node: Any, local: frozenset[str]) -> None:
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, argument),) = node.items()
                if key == "Ref" and isinstance(argument, str):
                    refs.add(argument)
                    return
                if key == "Fn::GetAtt":
                    target = argument.split(".", 1)[0] if isinstance(argument, str) else argument[0]
                    if isinstance(target, str):
                        atts.add(target)
                    if isinstance(argument, list) and len(argument) > 1:
                        walk(argument[1], local)
                    return
                if key == "Fn::Sub":
                    text, variables = (
                        (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
                    )
                    if isinstance(variables, dict):
                        walk(list(variables.values()), local)
                    if isinstance(text, str):
                        for name in sub_variables(text):
                            if name in variables:
                                continue
                            if "." in name and not name.startswith("AWS::"):
                                atts.add(name.split(".", 1)[0])
                            else:
                                refs.add(name)
                    return
            for item in node.values():
                walk(item, local)
        elif isinstance(node, list):
            for item in node:
                walk(item, local)

    walk(value, frozenset())
    return refs, atts


def validate_references(template: Template) -> None:
    """Raise ValidationError (AWS's wording) for a Ref/GetAtt/DependsOn naming nothing, or a cycle."""
    known = set(template.parameters) | set(template.resources)
    for block, items in (
        ("Resources", {lid: (r.properties, r.depends_on) for lid, r in template.resources.items()}),
        ("Outputs", {name: (o.value, ()) for name, o in template.outputs.items()}),
    ):
        unresolved: list[str] = []
        for _, (value, depends_on) in items.items():
            refs, atts = references(value)
            for name in sorted(refs):
                if name not in known and not name.startswith("AWS::") and name not in unresolved:
                    unresolved.append(name)
            for name in sorted(atts):
                if name not in template.resources:
                    raise TemplateValidationError(
                        f"Template error: instance of Fn::GetAtt references undefined resource {name}"
                    )
            for name in depends_on:
                if name not in template.resources and name not in unresolved:
                    unresolved.append(name)
        if unresolved:
            raise TemplateValidationError(
                f"Template format error: Unresolved resource dependencies [{', '.join(unresolved)}] "
                f"in the {block} block of the template"
            )
    for lid, resource in template.resources.items():
        if resource.condition is not None and resource.condition not in template.conditions:
            raise TemplateValidationError(
                f"Template format error: Unresolved dependencies [{resource.condition}]. "
                f"Cannot reference resources in the Conditions block of the template (resource {lid})"
            )
    graph = build_graph(template, set(template.resources))
    cycle = _cycle_members(graph, list(template.resources))
    if cycle:
        raise TemplateValidationError(f"Circular dependency between resources: [{', '.join(cycle)}]")


def build_graph(template: Template, active: set[str]) -> DependencyGraph:
    """The graph over the `active` resources (those whose Condition holds)."""
    dependencies: dict[str, set[str]] = {}
    for lid in template.resources:
        if lid not in active:
            continue
        resource = template.resources[lid]
        refs, atts = references(resource.properties)
        needs = (refs | atts | set(resource.depends_on)) & active
        dependencies[lid] = needs
    return DependencyGraph(dependencies)


def _cycle_members(graph: DependencyGraph, order: list[str]) -> list[str]:
    """Resources in a dependency cycle (Tarjan's strongly connected components), in template order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    members: set[str] = set()
    counter = 0

    def connect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for need in graph.dependencies.get(node, ()):
            if need not in index:
                connect(need)
                low[node] = min(low[node], low[need])
            elif need in on_stack:
                low[node] = min(low[node], index[need])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                popped = stack.pop()
                on_stack.discard(popped)
                component.append(popped)
                if popped == node:
                    break
            if len(component) > 1 or node in graph.dependencies.get(node, ()):
                members.update(component)

    for node in order:
        if node in graph.dependencies and node not in index:
            connect(node)
    return [node for node in order if node in members]
