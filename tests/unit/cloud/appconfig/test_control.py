"""AppConfig's environments, deployment strategies and deployments (which moto lacks), called by boto3.

boto3's requests go to the handler in this process; what it passes on (applications, profiles, hosted
versions) is answered by moto's in-process state, as the router sends it to moto.
"""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.cloud.appconfig.control import AppConfigControl

from ..conftest import ACCOUNT, Clients, in_process_client


@pytest.fixture
def appconfig(aws: Clients) -> Any:
    control = AppConfigControl(account_id=ACCOUNT)
    return in_process_client("appconfig", "appconfig", control.handle, moto_answers_the_rest=True)


def _hosted(appconfig: Any) -> tuple[str, str, int]:
    app = appconfig.create_application(Name="shop")["Id"]
    profile = appconfig.create_configuration_profile(ApplicationId=app, Name="flags", LocationUri="hosted")[
        "Id"
    ]
    version = appconfig.create_hosted_configuration_version(
        ApplicationId=app,
        ConfigurationProfileId=profile,
        Content=b'{"beta": true}',
        ContentType="application/json",
    )["VersionNumber"]
    return app, profile, version


def test_an_environment_of_an_application(appconfig: Any) -> None:
    # GIVEN an application (moto's)
    app = appconfig.create_application(Name="shop")["Id"]

    # WHEN an environment is created, read, listed and deleted
    created = appconfig.create_environment(ApplicationId=app, Name="dev", Description="d")
    read = appconfig.get_environment(ApplicationId=app, EnvironmentId=created["Id"])
    listed = appconfig.list_environments(ApplicationId=app)["Items"]
    appconfig.delete_environment(ApplicationId=app, EnvironmentId=created["Id"])

    # THEN it is ready for deployment, and gone after the delete
    assert created["State"] == "ReadyForDeployment" and read["Name"] == "dev" and read["Description"] == "d"
    assert [e["Id"] for e in listed] == [created["Id"]]
    with pytest.raises(appconfig.exceptions.ResourceNotFoundException):
        appconfig.get_environment(ApplicationId=app, EnvironmentId=created["Id"])


def test_an_environment_of_an_unknown_application_is_not_found(appconfig: Any) -> None:
    with pytest.raises(appconfig.exceptions.ResourceNotFoundException, match="Application nope not found"):
        appconfig.create_environment(ApplicationId="nope", Name="dev")


def test_strategies_predefined_and_custom(appconfig: Any) -> None:
    # WHEN a strategy is created, and the predefined AllAtOnce is read
    custom = appconfig.create_deployment_strategy(
        Name="fast", DeploymentDurationInMinutes=0, GrowthFactor=100.0, ReplicateTo="NONE"
    )
    predefined = appconfig.get_deployment_strategy(DeploymentStrategyId="AppConfig.AllAtOnce")
    # THEN both are readable; the custom one is listed and deleted (through AWS's own misspelt route)
    assert (predefined["DeploymentDurationInMinutes"], predefined["GrowthFactor"]) == (0, 100.0)
    assert custom["Id"] in [s["Id"] for s in appconfig.list_deployment_strategies()["Items"]]
    appconfig.delete_deployment_strategy(DeploymentStrategyId=custom["Id"])
    with pytest.raises(appconfig.exceptions.ResourceNotFoundException):
        appconfig.get_deployment_strategy(DeploymentStrategyId=custom["Id"])


def test_a_deployment_completes_at_once_and_is_listed(appconfig: Any) -> None:
    # GIVEN a hosted version and an environment
    app, profile, version = _hosted(appconfig)
    env = appconfig.create_environment(ApplicationId=app, Name="dev")["Id"]

    # WHEN it is deployed with AllAtOnce
    started = appconfig.start_deployment(
        ApplicationId=app,
        EnvironmentId=env,
        DeploymentStrategyId="AppConfig.AllAtOnce",
        ConfigurationProfileId=profile,
        ConfigurationVersion=str(version),
    )

    # THEN it is complete at once, readable by number, and listed
    assert started["State"] == "COMPLETE" and started["DeploymentNumber"] == 1
    read = appconfig.get_deployment(ApplicationId=app, EnvironmentId=env, DeploymentNumber=1)
    assert (read["ConfigurationProfileId"], read["ConfigurationVersion"]) == (profile, str(version))
    assert [
        d["DeploymentNumber"]
        for d in appconfig.list_deployments(ApplicationId=app, EnvironmentId=env)["Items"]
    ] == [1]
