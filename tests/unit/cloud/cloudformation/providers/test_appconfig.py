"""AppConfig resources deployed by the in-process engine: what moto keeps (applications, profiles, hosted
versions) and what fogbank's control plane adds (environments, strategies, deployments), read back through
the data plane as Powertools reads a feature flag.

The engine's appconfig client is answered by the AppConfig component on a router in this process, which
passes moto's operations on to moto's in-process state, as the cloud's router does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.appconfig.component import AppConfigComponent
from fogbank.cloud.cloudformation.component import CloudFormationComponent
from fogbank.cloud.router import AwsRouter
from fogbank.cloud.site import CloudSite

from ...conftest import Clients, in_process_client
from ..conftest import body, delete, deploy


class _NotHere:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the engine called {name} of a component this test does not have")


@pytest.fixture
def clouds(tmp_path: Path, aws: Clients) -> Iterator[tuple[Any, Any, Any]]:
    """(cloudformation, appconfig, appconfigdata) clients on one in-process router."""
    site = CloudSite("http://127.0.0.1:9", tmp_path)
    router = AwsRouter(lambda environ, start_response: [])
    AppConfigComponent(site, router).start()

    def clients(service: str, region: str | None = None) -> Any:
        if service in ("appconfig", "appconfigdata"):
            return in_process_client(service, "appconfig", router.dispatch, moto_answers_the_rest=True)
        return aws(service, region or "us-east-1")

    engine = CloudFormationComponent(
        site,
        router,
        clients=clients,
        lambda_=_NotHere(),
        frontdoors=_NotHere(),
        appsync=_NotHere(),
        elasticache=_NotHere(),
    )
    engine.start()
    try:
        yield (
            in_process_client("cloudformation", "cloudformation", router.dispatch),
            clients("appconfig"),
            in_process_client("appconfigdata", "appconfig", router.dispatch),
        )
    finally:
        engine.stop()


TEMPLATE = body(
    {
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
                "Content": '{"beta": {"default": true}}',
                "ContentType": "application/json",
            },
        },
        "Deploy": {
            "Type": "AWS::AppConfig::Deployment",
            "Properties": {
                "ApplicationId": {"Ref": "App"},
                "EnvironmentId": {"Ref": "Env"},
                "ConfigurationProfileId": {"Ref": "Profile"},
                "ConfigurationVersion": {"Ref": "Version"},
                "DeploymentStrategyId": {"Ref": "Strategy"},
            },
        },
    },
    Outputs={"App": {"Value": {"Ref": "App"}}, "Env": {"Value": {"Ref": "Env"}}},
)


def test_a_deployed_hosted_configuration_is_served_by_the_data_plane(clouds: tuple[Any, Any, Any]) -> None:
    cfn, appconfig, data = clouds
    # WHEN the stack is deployed
    outputs = deploy(cfn, "flags", TEMPLATE)
    # THEN the environment's deployment is complete, and the data plane serves the content by names
    (deployment,) = appconfig.list_deployments(ApplicationId=outputs["App"], EnvironmentId=outputs["Env"])[
        "Items"
    ]
    assert deployment["State"] == "COMPLETE"
    token = data.start_configuration_session(
        ApplicationIdentifier="shop", EnvironmentIdentifier="dev", ConfigurationProfileIdentifier="features"
    )["InitialConfigurationToken"]
    assert (
        data.get_latest_configuration(ConfigurationToken=token)["Configuration"].read()
        == b'{"beta": {"default": true}}'
    )
    # WHEN the stack is deleted THEN the application is gone
    assert delete(cfn, "flags")["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(appconfig.exceptions.ResourceNotFoundException):
        appconfig.get_application(ApplicationId=outputs["App"])
