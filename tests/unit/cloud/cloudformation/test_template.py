"""Template parsing (JSON, YAML short forms), reference validation, cycles and dependency order."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from fogbank.cloud.cloudformation.errors import TemplateValidationError
from fogbank.cloud.cloudformation.graph import build_graph, validate_references
from fogbank.cloud.cloudformation.prepare import StackIdentity, prepare
from fogbank.cloud.cloudformation.scheduler import run_graph
from fogbank.cloud.cloudformation.template import parse_template

IDENTITY = StackIdentity("s", "arn:aws:cloudformation:us-east-1:1:stack/s/x", "us-east-1", "123456789012")


def _no_ssm(name: str) -> str:
    raise LookupError(name)


def template(resources: dict[str, Any], **sections: Any) -> str:
    return json.dumps({"Resources": resources, **sections})


def test_yaml_short_forms_become_long_forms() -> None:
    # GIVEN a YAML template with !Ref, !GetAtt A.B, !Sub and !If
    body = """
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      A: !Ref Env
      B: !GetAtt Other.Arn
      C: !Sub "${AWS::Region}-x"
      D: !If [IsDev, small, large]
      E: 2024-01-01
"""
    # WHEN it is parsed
    parsed = parse_template(body)

    # THEN the properties hold the long forms, and a date stays a string as CloudFormation reads it
    assert parsed.resources["Q"].properties == {
        "A": {"Ref": "Env"},
        "B": {"Fn::GetAtt": ["Other", "Arn"]},
        "C": {"Fn::Sub": "${AWS::Region}-x"},
        "D": {"Fn::If": ["IsDev", "small", "large"]},
        "E": "2024-01-01",
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "Template format error: JSON not well-formed"),
        (json.dumps({"Resources": {}}), "At least one Resources member must be defined."),
        (
            json.dumps({"Resources": {"A": {"Properties": {}}}}),
            "Every Resources object must contain a Type member",
        ),
        (json.dumps({"Resourcez": {}}), r"Unrecognized template section\(s\) \['Resourcez'\]"),
        (
            json.dumps({"Transform": "AWS::Serverless-2016-10-31", "Resources": {"A": {"Type": "T"}}}),
            "unsupported",
        ),
    ],
)
def test_malformed_templates_are_rejected(body: str, message: str) -> None:
    # GIVEN a malformed template
    # WHEN it is parsed
    # THEN the ValidationError uses CloudFormation's wording
    with pytest.raises(TemplateValidationError, match=message):
        parse_template(body)


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


def test_parameters_conditions_and_rules() -> None:
    # GIVEN parameters (one from SSM), conditions that use each other, and a rule like CDK's bootstrap check
    parsed = parse_template(
        template(
            {"A": {"Type": "T", "Condition": "IsProd"}, "B": {"Type": "T"}},
            Parameters={
                "Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
                "Version": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/v"},
                "Subnets": {"Type": "CommaDelimitedList", "Default": "a, b"},
            },
            Conditions={
                "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
            },
            Rules={
                "CheckBootstrapVersion": {
                    "Assertions": [
                        {
                            "Assert": {
                                "Fn::Not": [{"Fn::Contains": [["1", "2", "3", "4", "5"], {"Ref": "Version"}]}]
                            },
                            "AssertDescription": "CDK bootstrap stack version 6 required.",
                        }
                    ]
                }
            },
        )
    )

    # WHEN it is prepared with a bootstrap version of 21
    prepared = prepare(parsed, {}, IDENTITY, ssm_lookup={"/cdk-bootstrap/v": "21"}.__getitem__)

    # THEN values, conditions and the active set are CloudFormation's
    assert prepared.parameters == {"Env": "dev", "Version": "21", "Subnets": ["a", "b"]}
    assert prepared.conditions == {"IsProd": False, "NotProd": True}
    assert prepared.active == {"B"}
    # AND an old bootstrap version fails the rule with its description
    with pytest.raises(TemplateValidationError, match=r"CDK bootstrap stack version 6 required\."):
        prepare(parsed, {}, IDENTITY, ssm_lookup={"/cdk-bootstrap/v": "4"}.__getitem__)
    # AND a missing SSM parameter fails as on AWS
    with pytest.raises(TemplateValidationError, match=r"Unable to fetch parameters \[/cdk-bootstrap/v\]"):
        prepare(parsed, {}, IDENTITY, ssm_lookup=_no_ssm)
    # AND a value outside AllowedValues, an unknown or a missing parameter is a ValidationError
    with pytest.raises(TemplateValidationError, match="must be one of AllowedValues"):
        prepare(parsed, {"Env": "qa"}, IDENTITY, ssm_lookup=lambda name: "21")
    with pytest.raises(TemplateValidationError, match=r"Parameters: \[Nope\] do not exist in the template"):
        prepare(parsed, {"Nope": "x"}, IDENTITY, ssm_lookup=lambda name: "21")


def test_missing_parameter_value() -> None:
    # GIVEN a parameter without default
    parsed = parse_template(template({"A": {"Type": "T"}}, Parameters={"Name": {"Type": "String"}}))

    # WHEN no value is given
    # THEN AWS's message names it
    with pytest.raises(TemplateValidationError, match=r"Parameters: \[Name\] must have values"):
        prepare(parsed, {}, IDENTITY, ssm_lookup=_no_ssm)


def test_scheduler_runs_independent_nodes_concurrently_and_in_order() -> None:
    # GIVEN two independent slow nodes and one that needs both
    started: dict[str, float] = {}
    finished: dict[str, float] = {}
    both_running = threading.Barrier(2, timeout=5)

    def work(node: str) -> None:
        started[node] = time.monotonic()
        if node in ("a", "b"):
            both_running.wait()  # fails (BrokenBarrierError) unless a and b run at the same time
        finished[node] = time.monotonic()

    # WHEN the graph runs
    outcome = run_graph({"a": set(), "b": set(), "c": {"a", "b"}}, work, workers=4)

    # THEN a and b overlapped, c started after both finished
    assert outcome.failed == {}
    assert started["c"] >= max(finished["a"], finished["b"])


def test_scheduler_stops_after_a_failure_but_deletes_keep_going() -> None:
    # GIVEN a failing node with a dependant, and an independent node
    def work(node: str) -> None:
        if node == "bad":
            raise RuntimeError("boom")

    graph = {"bad": set(), "after": {"bad"}, "other": set()}

    # WHEN it runs in keep_going mode (deletes)
    outcome = run_graph(graph, work, workers=1, keep_going=True)

    # THEN the failure is reported, its dependant never starts, and the independent node still runs
    assert set(outcome.failed) == {"bad"}
    assert outcome.not_started == ["after"]
    assert "other" in outcome.finished
