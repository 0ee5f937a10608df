"""AppConfig resources deployed by CloudFormation are served by the appconfigdata data plane."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config

from fogbank.cloud import LocalCloud


def test_deployed_configuration_is_served(
    cloud: LocalCloud, run_stack: Callable[..., dict[str, Any]], delete_stack: Callable[[str], None]
) -> None:
    # GIVEN a stack with an application, environment, hosted profile, strategy, version and deployment
    template = {
        "Resources": {
            "App": {"Type": "AWS::AppConfig::Application", "Properties": {"Name": "shop"}},
            "Env": {
                "Type": "AWS::AppConfig::Environment",
                "Properties": {"ApplicationId": {"Ref": "App"}, "Name": "dev"},
            },
            "Profile": {
                "Type": "AWS::AppConfig::ConfigurationProfile",
                "Properties": {"ApplicationId": {"Ref": "App"}, "Name": "features", "LocationUri": "hosted"},
            },
            "Strategy": {
                "Type": "AWS::AppConfig::DeploymentStrategy",
                "Properties": {
                    "Name": "now",
                    "DeploymentDurationInMinutes": 0,
                    "GrowthFactor": 100,
                    "ReplicateTo": "NONE",
                },
            },
            "Version": {
                "Type": "AWS::AppConfig::HostedConfigurationVersion",
                "Properties": {
                    "ApplicationId": {"Ref": "App"},
                    "ConfigurationProfileId": {"Ref": "Profile"},
                    "Content": json.dumps({"beta": True}),
                    "ContentType": "application/json",
                },
            },
            "Deployment": {
                "Type": "AWS::AppConfig::Deployment",
                "Properties": {
                    "ApplicationId": {"Ref": "App"},
                    "EnvironmentId": {"Ref": "Env"},
                    "ConfigurationProfileId": {"Ref": "Profile"},
                    "DeploymentStrategyId": {"Ref": "Strategy"},
                    "ConfigurationVersion": {"Ref": "Version"},
                },
            },
        },
        "Outputs": {"Number": {"Value": {"Fn::GetAtt": ["Deployment", "DeploymentNumber"]}}},
    }
    stack = run_stack("appconfig", template)
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")

    # WHEN a client reads it by names, as Powertools' get_app_config does
    data = cloud.client("appconfigdata")
    token = data.start_configuration_session(
        ApplicationIdentifier="shop", EnvironmentIdentifier="dev", ConfigurationProfileIdentifier="features"
    )["InitialConfigurationToken"]
    first = data.get_latest_configuration(ConfigurationToken=token)
    again = data.get_latest_configuration(ConfigurationToken=first["NextPollConfigurationToken"])

    # THEN the deployed content comes back, then an empty body while unchanged (AppConfig's polling contract)
    assert json.loads(first["Configuration"].read()) == {"beta": True}
    assert first["ContentType"] == "application/json"
    assert again["Configuration"].read() == b""
    assert stack["Outputs"][0]["OutputValue"] == "1"

    # WHEN the stack is deleted THEN the application is gone
    delete_stack("appconfig")
    with pytest.raises(data.exceptions.ResourceNotFoundException):
        data.start_configuration_session(
            ApplicationIdentifier="shop",
            EnvironmentIdentifier="dev",
            ConfigurationProfileIdentifier="features",
        )


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"ApplicationIdentifier": "shop", "EnvironmentIdentifier": "dev"}, "ConfigurationProfileIdentifier"),
        ({"ConfigurationProfileIdentifier": "features"}, "ApplicationIdentifier, EnvironmentIdentifier"),
        (
            {
                "ApplicationIdentifier": "shop",
                "EnvironmentIdentifier": "dev",
                "ConfigurationProfileIdentifier": "features",
                "RequiredMinimumPollIntervalInSeconds": 5,
            },
            "RequiredMinimumPollIntervalInSeconds 5",
        ),
    ],
)
def test_start_session_with_missing_or_bad_parameters_is_a_bad_request(
    cloud: LocalCloud, arguments: dict[str, Any], named: str
) -> None:
    # GIVEN an appconfigdata client that skips boto3's own parameter checks, as a hand-written call would
    client = boto3.client(
        "appconfigdata",
        endpoint_url=cloud.endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )

    # WHEN a session is started with required parameters missing, or an out-of-range poll interval
    with pytest.raises(client.exceptions.BadRequestException) as raised:
        client.start_configuration_session(**arguments)

    # THEN AWS's BadRequestException names what is wrong (not a "not found")
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Reason"] == "InvalidParameters"
    assert named in error["Error"]["Message"]
