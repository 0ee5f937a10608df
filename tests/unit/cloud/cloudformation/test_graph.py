"""The dependency graph: references validated as AWS does, cycles named, edges from Ref, GetAtt, Sub, DependsOn."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fogbank.cloud.cloudformation.errors import TemplateValidationError
from fogbank.cloud.cloudformation.graph import build_graph, validate_references
from fogbank.cloud.cloudformation.template import parse_template


def template(resources: dict[str, Any], **sections: Any) -> str:
    return json.dumps({"Resources": resources, **sections})


def test_bad_ref_is_unresolved_dependency() -> None:
    # GIVEN a resource that refers to a name that exists nowhere
    parsed = parse_template(template({"A": {"Type": "T", "Properties": {"X": {"Ref": "Ghost"}}}}))

    # WHEN references are validated
    # THEN the message is AWS's
    with pytest.raises(TemplateValidationError) as caught:
        validate_references(parsed)
    assert caught.value.message == (
        "Template format error: Unresolved resource dependencies [Ghost] in the Resources block of the template"
    )


def test_bad_getatt_names_the_resource() -> None:
    # GIVEN a GetAtt on an undefined resource inside Fn::Sub
    parsed = parse_template(template({"A": {"Type": "T", "Properties": {"X": {"Fn::Sub": "${Ghost.Arn}"}}}}))

    # WHEN references are validated
    # THEN the message names it
    with pytest.raises(TemplateValidationError, match="Fn::GetAtt references undefined resource Ghost"):
        validate_references(parsed)


def test_cycle_lists_its_members_only() -> None:
    # GIVEN A -> B -> C -> A, and D depending on A (D is not in the cycle)
    parsed = parse_template(
        template(
            {
                "A": {"Type": "T", "Properties": {"X": {"Ref": "B"}}},
                "B": {"Type": "T", "Properties": {"X": {"Fn::GetAtt": ["C", "Arn"]}}},
                "C": {"Type": "T", "DependsOn": "A"},
                "D": {"Type": "T", "DependsOn": ["A"]},
            }
        )
    )

    # WHEN references are validated
    # THEN the error is AWS's circular dependency message with exactly the cycle
    with pytest.raises(TemplateValidationError) as caught:
        validate_references(parsed)
    assert caught.value.message == "Circular dependency between resources: [A, B, C]"


def test_graph_follows_ref_getatt_sub_and_depends_on() -> None:
    # GIVEN four kinds of dependency
    parsed = parse_template(
        template(
            {
                "Base": {"Type": "T"},
                "ByRef": {"Type": "T", "Properties": {"X": {"Ref": "Base"}}},
                "BySub": {"Type": "T", "Properties": {"X": {"Fn::Sub": ["${V}", {"V": {"Ref": "ByRef"}}]}}},
                "ByAtt": {"Type": "T", "Properties": {"X": {"Fn::Sub": "${BySub.Arn}"}}, "DependsOn": "Base"},
            }
        )
    )

    # WHEN the graph is built
    graph = build_graph(parsed, set(parsed.resources))

    # THEN each edge is there, and dependants are the reverse
    assert graph.dependencies == {
        "Base": set(),
        "ByRef": {"Base"},
        "BySub": {"ByRef"},
        "ByAtt": {"BySub", "Base"},
    }
    assert graph.dependants["Base"] == {"ByRef", "ByAtt"}
