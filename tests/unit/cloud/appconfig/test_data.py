"""AppConfig's data plane (appconfigdata), which moto lacks: sessions and the latest deployed configuration."""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.cloud.appconfig.control import AppConfigControl
from fogbank.cloud.appconfig.data import AppConfigData
from fogbank.cloud.router import AwsRequest, AwsResponse

from ..conftest import ACCOUNT, Clients, in_process_client


@pytest.fixture
def clients(aws: Clients) -> tuple[Any, Any]:
    """(appconfig, appconfigdata) boto3 clients on one control plane + data plane, as the component wires them."""
    control = AppConfigControl(account_id=ACCOUNT)
    data = AppConfigData(control, account_id=ACCOUNT)

    def handle(request: AwsRequest) -> AwsResponse | None:  # both register for "appconfig", in this order
        return control.handle(request) or data.handle(request)

    appconfig = in_process_client("appconfig", "appconfig", handle, moto_answers_the_rest=True)
    return appconfig, in_process_client("appconfigdata", "appconfig", handle)


def _deployed(appconfig: Any, content: bytes) -> None:
    app = appconfig.create_application(Name="shop")["Id"]
    profile = appconfig.create_configuration_profile(ApplicationId=app, Name="flags", LocationUri="hosted")[
        "Id"
    ]
    env = appconfig.create_environment(ApplicationId=app, Name="dev")["Id"]
    version = appconfig.create_hosted_configuration_version(
        ApplicationId=app, ConfigurationProfileId=profile, Content=content, ContentType="application/json"
    )["VersionNumber"]
    appconfig.start_deployment(
        ApplicationId=app,
        EnvironmentId=env,
        DeploymentStrategyId="AppConfig.AllAtOnce",
        ConfigurationProfileId=profile,
        ConfigurationVersion=str(version),
    )


def _session(data: Any) -> str:
    return str(
        data.start_configuration_session(
            ApplicationIdentifier="shop", EnvironmentIdentifier="dev", ConfigurationProfileIdentifier="flags"
        )["InitialConfigurationToken"]
    )


def test_the_deployed_configuration_by_names_then_nothing_new(clients: tuple[Any, Any]) -> None:
    # GIVEN a deployed hosted configuration
    appconfig, data = clients
    _deployed(appconfig, b'{"beta": true}')

    # WHEN a session is started by names and the configuration polled twice
    first = data.get_latest_configuration(ConfigurationToken=_session(data))
    second = data.get_latest_configuration(ConfigurationToken=first["NextPollConfigurationToken"])

    # THEN the first poll returns the content and its type; the next one is empty (nothing new deployed)
    assert first["Configuration"].read() == b'{"beta": true}'
    assert first["ContentType"] == "application/json"
    assert second["Configuration"].read() == b""


def test_a_token_is_used_once(clients: tuple[Any, Any]) -> None:
    # GIVEN a token already used
    appconfig, data = clients
    _deployed(appconfig, b"{}")
    token = _session(data)
    data.get_latest_configuration(ConfigurationToken=token)
    # WHEN it is used again THEN it is refused, saying to start a new session
    with pytest.raises(data.exceptions.BadRequestException, match="start a new configuration session"):
        data.get_latest_configuration(ConfigurationToken=token)


@pytest.mark.parametrize(
    ("identifiers", "error", "words"),
    [
        ({"ApplicationIdentifier": "ghost"}, "ResourceNotFoundException", "Application"),
        ({"EnvironmentIdentifier": "prod"}, "ResourceNotFoundException", "Environment"),
        ({"ConfigurationProfileIdentifier": "other"}, "ResourceNotFoundException", "ConfigurationProfile"),
    ],
)
def test_sessions_name_what_is_wrong(
    clients: tuple[Any, Any], identifiers: dict[str, Any], error: str, words: str
) -> None:
    # GIVEN a deployed configuration
    appconfig, data = clients
    _deployed(appconfig, b"{}")
    params = {
        "ApplicationIdentifier": "shop",
        "EnvironmentIdentifier": "dev",
        "ConfigurationProfileIdentifier": "flags",
        **identifiers,
    }
    # WHEN a session names something that does not exist, or a bad interval THEN the error says which
    with pytest.raises(data.exceptions.ClientError) as raised:
        data.start_configuration_session(**params)
    assert raised.value.response["Error"]["Code"] == error
    assert words in raised.value.response["Error"]["Message"]


def test_a_poll_interval_outside_awss_range_is_refused(aws: Clients) -> None:
    # GIVEN a session request with an interval boto3 itself would refuse, sent as the raw request
    data = AppConfigData(AppConfigControl(account_id=ACCOUNT), account_id=ACCOUNT)
    body = b'{"ApplicationIdentifier": "a", "EnvironmentIdentifier": "e", "ConfigurationProfileIdentifier": "p", '
    request = AwsRequest.build(
        "POST",
        "/configurationsessions",
        {},
        body + b'"RequiredMinimumPollIntervalInSeconds": 5}',
        service="appconfig",
    )
    # WHEN it is handled THEN it is a BadRequestException naming the range
    answer = data.handle(request)
    assert answer is not None and answer.status == 400
    assert b"use an integer from 15 to 86400" in answer.body
