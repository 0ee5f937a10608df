"""AppConfig resources deployed by CloudFormation are served by the appconfigdata data plane."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

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
