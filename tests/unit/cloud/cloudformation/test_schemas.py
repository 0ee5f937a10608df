"""Resource schemas come from the pinned cfn-lint's bundled data."""

from __future__ import annotations

from fogbank.cloud.cloudformation.schemas import cfn_lint_version, documented_properties, resource_schema


def test_schema_of_a_published_type_comes_from_cfn_lint() -> None:
    # GIVEN the function type WHEN its schema is read THEN it is CloudFormation's (required Code and Role)
    schema = resource_schema("AWS::Lambda::Function")
    assert schema is not None and schema["typeName"] == "AWS::Lambda::Function"
    assert set(schema["required"]) == {"Code", "Role"}


def test_documented_properties_exclude_read_only_ones() -> None:
    # GIVEN a type with a read-only Arn WHEN its documented properties are listed THEN Arn is not one
    documented = documented_properties("AWS::Lambda::Function")
    assert "Runtime" in documented and "Arn" not in documented
    assert documented == tuple(sorted(documented))


def test_unknown_types_have_no_schema_and_the_version_is_the_pin() -> None:
    # GIVEN a custom type WHEN looked up THEN there is no schema; the version is the pinned cfn-lint
    assert resource_schema("Custom::Mine") is None and documented_properties("Custom::Mine") == ()
    assert cfn_lint_version() == "1.58.0"
