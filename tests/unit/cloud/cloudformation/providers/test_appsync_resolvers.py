"""Data sources, resolvers and pipeline functions deployed by the in-process engine into an AppSync component.

The component is not started and no resolver runs (that needs Lambda workers:
tests/integration/appsync/test_appsync_stack.py); what the providers make it serve is read back.
"""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.cloud.appsync.component import AppSyncComponent

from ...conftest import ACCOUNT
from ..conftest import body, deploy

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:books"
API_ID = {"Fn::GetAtt": ["Api", "ApiId"]}


def _template(**extra: Any) -> str:
    resources: dict[str, Any] = {
        "Api": {
            "Type": "AWS::AppSync::GraphQLApi",
            "Properties": {"Name": "books", "AuthenticationType": "API_KEY"},
        },
        "Schema": {
            "Type": "AWS::AppSync::GraphQLSchema",
            "Properties": {"ApiId": API_ID, "Definition": "type Query { book: String  books: [String] }"},
        },
        "Lambda": {
            "Type": "AWS::AppSync::DataSource",
            "Properties": {
                "ApiId": API_ID,
                "Name": "lambda",
                "Type": "AWS_LAMBDA",
                "LambdaConfig": {"LambdaFunctionArn": FUNCTION},
            },
        },
        "Nothing": {
            "Type": "AWS::AppSync::DataSource",
            "Properties": {"ApiId": API_ID, "Name": "none", "Type": "NONE"},
        },
        "Step": {
            "Type": "AWS::AppSync::FunctionConfiguration",
            "Properties": {
                "ApiId": API_ID,
                "Name": "step",
                "DataSourceName": {"Fn::GetAtt": ["Lambda", "Name"]},
                "MaxBatchSize": 5,
            },
        },
        "Book": {
            "Type": "AWS::AppSync::Resolver",
            "DependsOn": "Schema",
            "Properties": {
                "ApiId": API_ID,
                "TypeName": "Query",
                "FieldName": "book",
                "DataSourceName": {"Fn::GetAtt": ["Lambda", "Name"]},
            },
        },
        "Books": {
            "Type": "AWS::AppSync::Resolver",
            "DependsOn": "Schema",
            "Properties": {
                "ApiId": API_ID,
                "TypeName": "Query",
                "FieldName": "books",
                "Kind": "PIPELINE",
                "PipelineConfig": {"Functions": [{"Fn::GetAtt": ["Step", "FunctionId"]}]},
            },
        },
        **extra,
    }
    return body(
        resources,
        Outputs={"ApiId": {"Value": API_ID}, "Step": {"Value": {"Fn::GetAtt": ["Step", "FunctionId"]}}},
    )


def test_unit_and_pipeline_resolvers_with_their_data_sources(
    with_appsync: tuple[Any, AppSyncComponent],
) -> None:
    cfn, appsync = with_appsync
    # WHEN an API with a Lambda and a NONE data source, a unit resolver and a pipeline resolver is deployed
    outputs = deploy(cfn, "s", _template())
    api = appsync.api(outputs["ApiId"])
    assert api is not None
    # THEN the component knows each data source, the function and both resolvers as the template says
    assert (api.data_sources["lambda"].type, api.data_sources["lambda"].function_arn) == (
        "AWS_LAMBDA",
        FUNCTION,
    )
    assert api.data_sources["none"].type == "NONE"
    step = api.functions[outputs["Step"]]
    assert (step.name, step.data_source, step.max_batch_size) == ("step", "lambda", 5)
    unit, pipeline = api.resolvers[("Query", "book")], api.resolvers[("Query", "books")]
    assert (unit.kind, unit.data_source) == ("UNIT", "lambda")
    assert (pipeline.kind, pipeline.functions) == ("PIPELINE", (outputs["Step"],))


def test_a_data_source_type_the_local_cloud_cannot_serve_fails_naming_it(
    with_appsync: tuple[Any, AppSyncComponent],
) -> None:
    cfn, _ = with_appsync
    dynamo = {
        "Type": "AWS::AppSync::DataSource",
        "Properties": {"ApiId": API_ID, "Name": "table", "Type": "AMAZON_DYNAMODB"},
    }
    with pytest.raises(AssertionError, match="AMAZON_DYNAMODB"):
        deploy(cfn, "s", _template(Table=dynamo))
