"""AppConfig's environments, deployment strategies and deployments, which moto does not serve.

Applications, configuration profiles and hosted versions stay moto's; this handler answers only the
routes below and returns None for the rest. A deployment completes at once (the local cloud has no
gradual rollout or bake time); its state is COMPLETE as soon as StartDeployment returns.

Example (skipped as a doctest: it needs a running local cloud):
    >>> appconfig = boto3.client("appconfig", endpoint_url=cloud.endpoint)  # doctest: +SKIP
    >>> appconfig.create_environment(ApplicationId=app_id, Name="dev")["State"]  # doctest: +SKIP
    'ReadyForDeployment'
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fogbank.cloud.aws_state import appconfig as moto_appconfig
from fogbank.cloud.router import AwsRequest, AwsResponse, json_error

__all__ = ["AppConfigControl", "DeploymentRecord"]

_PREDEFINED = {
    "AppConfig.AllAtOnce": (0, 10, 100.0),
    "AppConfig.Linear50PercentEvery30Seconds": (1, 1, 50.0),
    "AppConfig.Canary10Percent20Minutes": (20, 10, 10.0),
    "AppConfig.Linear20PercentEvery6Minutes": (30, 30, 20.0),
}


@dataclass
class DeploymentRecord:
    """One StartDeployment."""

    application_id: str
    environment_id: str
    number: int
    body: dict[str, Any]


@dataclass
class _State:
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)
    strategies: dict[str, dict[str, Any]] = field(default_factory=dict)
    deployments: list[DeploymentRecord] = field(default_factory=list)


def _new_id() -> str:
    return secrets.token_hex(4)[:7]


def _not_found(what: str) -> AwsResponse:
    return json_error("ResourceNotFoundException", f"{what} not found", 404, rest=True)


class AppConfigControl:
    """The appconfig control-plane routes moto lacks."""

    def __init__(self, *, account_id: str) -> None:
        self._account_id = account_id
        self._state = _State()
        self._lock = threading.Lock()
        app = r"/applications/(?P<app>[^/]+)/environments"
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., AwsResponse]]] = [
            ("POST", re.compile(rf"^{app}$"), self._create_environment),
            ("GET", re.compile(rf"^{app}$"), self._list_environments),
            ("GET", re.compile(rf"^{app}/(?P<env>[^/]+)$"), self._get_environment),
            ("DELETE", re.compile(rf"^{app}/(?P<env>[^/]+)$"), self._delete_environment),
            ("POST", re.compile(rf"^{app}/(?P<env>[^/]+)/deployments$"), self._start_deployment),
            ("GET", re.compile(rf"^{app}/(?P<env>[^/]+)/deployments$"), self._list_deployments),
            ("GET", re.compile(rf"^{app}/(?P<env>[^/]+)/deployments/(?P<num>\d+)$"), self._get_deployment),
            ("POST", re.compile(r"^/deploymentstrategies$"), self._create_strategy),
            ("GET", re.compile(r"^/deploymentstrategies$"), self._list_strategies),
            ("GET", re.compile(r"^/deploymentstrategies/(?P<sid>[^/]+)$"), self._get_strategy),
            ("DELETE", re.compile(r"^/deployementstrategies/(?P<sid>[^/]+)$"), self._delete_strategy),
        ]

    def handle(self, request: AwsRequest) -> AwsResponse | None:
        for method, pattern, route in self._routes:
            match = pattern.match(request.path)
            if match and request.method == method:
                with self._lock:
                    return route(request, **match.groupdict())
        return None

    # -- environments ------------------------------------------------------------------------------------
    def _create_environment(self, request: AwsRequest, app: str) -> AwsResponse:
        if moto_appconfig.find_application(app, account_id=self._account_id, region=request.region) != app:
            return _not_found(f"Application {app}")
        body = request.json()
        environment = {
            "ApplicationId": app,
            "Id": _new_id(),
            "Name": body["Name"],
            "Description": body.get("Description"),
            "State": "ReadyForDeployment",
            "Monitors": body.get("Monitors", []),
        }
        self._state.environments[environment["Id"]] = environment
        return AwsResponse.json(environment, 201)

    def _list_environments(self, request: AwsRequest, app: str) -> AwsResponse:
        items = [e for e in self._state.environments.values() if e["ApplicationId"] == app]
        return AwsResponse.json({"Items": items})

    def _get_environment(self, request: AwsRequest, app: str, env: str) -> AwsResponse:
        environment = self._state.environments.get(env)
        if environment is None or environment["ApplicationId"] != app:
            return _not_found(f"Environment {env} of application {app}")
        return AwsResponse.json(environment)

    def _delete_environment(self, request: AwsRequest, app: str, env: str) -> AwsResponse:
        if self._state.environments.pop(env, None) is None:
            return _not_found(f"Environment {env} of application {app}")
        return AwsResponse(204)

    def find_environment(self, app_id: str, identifier: str) -> str | None:
        """An environment's id from its id or name."""
        with self._lock:
            for env_id, environment in self._state.environments.items():
                if environment["ApplicationId"] == app_id and identifier in (env_id, environment["Name"]):
                    return env_id
        return None

    # -- strategies --------------------------------------------------------------------------------------
    def _create_strategy(self, request: AwsRequest) -> AwsResponse:
        body = request.json()
        strategy = {
            "Id": _new_id(),
            "Name": body["Name"],
            "Description": body.get("Description"),
            "DeploymentDurationInMinutes": body["DeploymentDurationInMinutes"],
            "GrowthType": body.get("GrowthType", "LINEAR"),
            "GrowthFactor": body["GrowthFactor"],
            "FinalBakeTimeInMinutes": body.get("FinalBakeTimeInMinutes", 0),
            "ReplicateTo": body.get("ReplicateTo", "NONE"),
        }
        self._state.strategies[strategy["Id"]] = strategy
        return AwsResponse.json(strategy, 201)

    def _strategy(self, sid: str) -> dict[str, Any] | None:
        if sid in _PREDEFINED:
            duration, bake, growth = _PREDEFINED[sid]
            return {
                "Id": sid,
                "Name": sid,
                "DeploymentDurationInMinutes": duration,
                "FinalBakeTimeInMinutes": bake,
                "GrowthFactor": growth,
                "GrowthType": "LINEAR",
                "ReplicateTo": "NONE",
            }
        return self._state.strategies.get(sid)

    def _list_strategies(self, request: AwsRequest) -> AwsResponse:
        items = [self._strategy(sid) for sid in _PREDEFINED] + list(self._state.strategies.values())
        return AwsResponse.json({"Items": items})

    def _get_strategy(self, request: AwsRequest, sid: str) -> AwsResponse:
        strategy = self._strategy(sid)
        return AwsResponse.json(strategy) if strategy else _not_found(f"Deployment strategy {sid}")

    def _delete_strategy(self, request: AwsRequest, sid: str) -> AwsResponse:
        if self._state.strategies.pop(sid, None) is None:
            return _not_found(f"Deployment strategy {sid}")
        return AwsResponse(204)

    # -- deployments -------------------------------------------------------------------------------------
    def _start_deployment(self, request: AwsRequest, app: str, env: str) -> AwsResponse:
        body = request.json()
        environment = self._state.environments.get(env)
        if environment is None or environment["ApplicationId"] != app:
            return _not_found(f"Environment {env} of application {app}")
        strategy = self._strategy(body["DeploymentStrategyId"])
        if strategy is None:
            return _not_found(f"Deployment strategy {body['DeploymentStrategyId']}")
        profile = body["ConfigurationProfileId"]
        version = str(body["ConfigurationVersion"])
        content = None
        if version.isdigit():
            content = moto_appconfig.hosted_content(
                self._account_id, request.region, app, profile, int(version)
            )
        if content is None:
            return json_error(
                "BadRequestException",
                f"Configuration version {version} of profile {profile} (application {app}) does not exist; "
                "only hosted configurations are supported by the local cloud",
                400,
                rest=True,
            )
        now = datetime.now(UTC).isoformat()
        number = 1 + sum(1 for d in self._state.deployments if d.environment_id == env)
        deployment = {
            "ApplicationId": app,
            "EnvironmentId": env,
            "DeploymentStrategyId": strategy["Id"],
            "ConfigurationProfileId": profile,
            "DeploymentNumber": number,
            "ConfigurationVersion": version,
            "Description": body.get("Description"),
            "DeploymentDurationInMinutes": strategy["DeploymentDurationInMinutes"],
            "GrowthType": strategy["GrowthType"],
            "GrowthFactor": strategy["GrowthFactor"],
            "FinalBakeTimeInMinutes": strategy["FinalBakeTimeInMinutes"],
            "State": "COMPLETE",
            "PercentageComplete": 100.0,
            "StartedAt": now,
            "CompletedAt": now,
            "VersionLabel": content.version_label,
        }
        self._state.deployments.append(DeploymentRecord(app, env, number, deployment))
        return AwsResponse.json(deployment, 201)

    def _list_deployments(self, request: AwsRequest, app: str, env: str) -> AwsResponse:
        items = [
            d.body for d in self._state.deployments if d.application_id == app and d.environment_id == env
        ]
        return AwsResponse.json({"Items": list(reversed(items))})

    def _get_deployment(self, request: AwsRequest, app: str, env: str, num: str) -> AwsResponse:
        for record in self._state.deployments:
            if (record.application_id, record.environment_id, record.number) == (app, env, int(num)):
                return AwsResponse.json(record.body)
        return _not_found(f"Deployment {num} of environment {env}")

    def latest_deployment(self, app_id: str, env_id: str, profile_id: str) -> DeploymentRecord | None:
        """The most recent deployment of a profile to an environment."""
        with self._lock:
            for record in reversed(self._state.deployments):
                if (record.application_id, record.environment_id) == (app_id, env_id) and record.body[
                    "ConfigurationProfileId"
                ] == profile_id:
                    return record
        return None
