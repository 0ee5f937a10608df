"""Template parsing: JSON, YAML short forms, and malformed templates rejected with CloudFormation's wording."""

from __future__ import annotations

import json

import pytest

from fogbank.cloud.cloudformation.errors import TemplateValidationError
from fogbank.cloud.cloudformation.template import parse_template


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
