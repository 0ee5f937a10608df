"""The AppConfig data plane (`appconfigdata`): StartConfigurationSession and GetLatestConfiguration.

It returns what was last deployed (StartDeployment) of a hosted configuration profile to an environment,
as Powertools' `get_app_config` reads it. Identifiers may be ids or names, as on AWS.

Example (skipped as a doctest: it needs a running local cloud):
    >>> data = boto3.client("appconfigdata", endpoint_url=cloud.endpoint)  # doctest: +SKIP
    >>> token = data.start_configuration_session(ApplicationIdentifier="app", EnvironmentIdentifier="dev",
    ...     ConfigurationProfileIdentifier="features")["InitialConfigurationToken"]  # doctest: +SKIP
    >>> data.get_latest_configuration(ConfigurationToken=token)["Configuration"].read()  # doctest: +SKIP
    b'{"beta": true}'
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass

from fogbank.cloud.appconfig.control import AppConfigControl
from fogbank.cloud.aws_state import appconfig as moto_appconfig
from fogbank.cloud.router import AwsRequest, AwsResponse, json_error

__all__ = ["AppConfigData"]

_REQUIRED_SESSION_KEYS = ("ApplicationIdentifier", "EnvironmentIdentifier", "ConfigurationProfileIdentifier")


@dataclass(frozen=True)
class _Session:
    application_id: str
    environment_id: str
    profile_id: str
    region: str
    interval: int
    last_version: str | None


class AppConfigData:
    """Handler for the two appconfigdata routes (signed as "appconfig"); None for everything else."""

    def __init__(self, control: AppConfigControl, *, account_id: str) -> None:
        self._account_id = account_id
        self.control = control
        self._tokens: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def handle(self, request: AwsRequest) -> AwsResponse | None:
        if request.path == "/configurationsessions" and request.method == "POST":
            return self._start_session(request)
        if request.path == "/configuration" and request.method == "GET":
            return self._latest(request)
        return None

    def _issue(self, session: _Session) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = session
        return token

    def _start_session(self, request: AwsRequest) -> AwsResponse:
        try:
            body = request.json()
        except ValueError as exc:
            return _bad_request(f"The request body is not JSON ({exc}); send a JSON object")
        if not isinstance(body, dict):
            return _bad_request("The request body must be a JSON object")
        missing = [
            key for key in _REQUIRED_SESSION_KEYS if not body.get(key) or not isinstance(body[key], str)
        ]
        if missing:
            return _bad_request(
                f"Missing required parameters: {', '.join(missing)}; pass each as an id or a name"
            )
        interval = body.get("RequiredMinimumPollIntervalInSeconds", 60)
        if isinstance(interval, bool) or not isinstance(interval, int) or not 15 <= interval <= 86400:
            return _bad_request(
                f"RequiredMinimumPollIntervalInSeconds {interval!r} is invalid; use an integer from 15 to 86400"
            )
        account, region = self._account_id, request.region
        app_id = moto_appconfig.find_application(
            body["ApplicationIdentifier"], account_id=account, region=region
        )
        if app_id is None:
            return _not_found("Application", body["ApplicationIdentifier"])
        env_id = self.control.find_environment(app_id, body["EnvironmentIdentifier"])
        if env_id is None:
            return _not_found("Environment", body["EnvironmentIdentifier"])
        profile_id = moto_appconfig.find_profile(
            app_id, body["ConfigurationProfileIdentifier"], account_id=account, region=region
        )
        if profile_id is None:
            return _not_found("ConfigurationProfile", body["ConfigurationProfileIdentifier"])
        token = self._issue(_Session(app_id, env_id, profile_id, region, interval, None))
        return AwsResponse.json({"InitialConfigurationToken": token}, 201)

    def _latest(self, request: AwsRequest) -> AwsResponse:
        token = (request.query.get("configuration_token") or [""])[0]
        with self._lock:
            session = self._tokens.pop(token, None)
        if session is None:
            return json_error(
                "BadRequestException",
                "The configuration token is invalid or was already used; start a new configuration session",
                400,
                rest=True,
            )
        record = self.control.latest_deployment(
            session.application_id, session.environment_id, session.profile_id
        )
        if record is None:
            return _not_found("Deployment of profile", session.profile_id)
        version = str(record.body["ConfigurationVersion"])
        content = moto_appconfig.hosted_content(
            self._account_id, session.region, session.application_id, session.profile_id, int(version)
        )
        if content is None:
            return _not_found("Configuration version", version)
        unchanged = session.last_version == version
        next_token = self._issue(
            _Session(
                session.application_id,
                session.environment_id,
                session.profile_id,
                session.region,
                session.interval,
                version,
            )
        )
        headers = {
            "Next-Poll-Configuration-Token": next_token,
            "Next-Poll-Interval-In-Seconds": str(session.interval),
            "Content-Type": content.content_type,
        }
        if content.version_label:
            headers["Version-Label"] = content.version_label
        return AwsResponse(200, b"" if unchanged else content.content, headers)


def _bad_request(message: str) -> AwsResponse:
    """appconfigdata's BadRequestException, with `Reason: InvalidParameters` as AWS sends it."""
    response = json_error("BadRequestException", message, 400, rest=True)
    body = json.loads(response.body)
    body["Reason"] = "InvalidParameters"
    response.body = json.dumps(body).encode()
    return response


def _not_found(kind: str, identifier: object) -> AwsResponse:
    return json_error(
        "ResourceNotFoundException",
        f"{kind} {identifier} was not found; deploy it first (StartDeployment)",
        404,
        rest=True,
    )
