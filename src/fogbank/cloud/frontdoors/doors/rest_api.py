"""An API Gateway REST API stage: resources, methods (AWS_PROXY and MOCK), AWS_IAM and API keys.

Unknown resources and methods get `403 {"message":"Missing Authentication Token"}`, an unknown stage
`403 {"message":"Forbidden"}`, a missing or wrong API key `403 {"message":"Forbidden"}`, a Lambda that may not be
invoked `500 {"message": "Internal server error"}` and a failed or malformed answer `502`, as on AWS.

Example:
    >>> method = RestMethod("GET", integration="MOCK", mock_status=200)
    >>> api = RestApiModel("abc", "us-east-1", "123456789012", resources=[RestResource("/", "r1", {"GET": method})],
    ...                    stages={"prod": {}})
    >>> api.resolve("prod", "GET", "/")[0].resource_id
    'r1'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from fogbank.cloud.frontdoors.doors.paths import match_template, specificity
from fogbank.cloud.frontdoors.events.apigw_v1 import V1Target, build_v1_event, v1_response
from fogbank.cloud.frontdoors.events.common import InvalidIntegrationResponse, RequestStamp
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse
from fogbank.cloud.frontdoors.invoker import InvocationFailed, Invoker
from fogbank.cloud.frontdoors.sigv4 import SignatureRejected, verify_sigv4

__all__ = [
    "APIGATEWAY_PRINCIPAL",
    "RestApiDoor",
    "RestApiModel",
    "RestMethod",
    "RestResource",
    "rejection_response",
]

APIGATEWAY_PRINCIPAL = "apigateway.amazonaws.com"


@dataclass(frozen=True)
class RestMethod:
    http_method: str
    authorization: str = "NONE"  # NONE | AWS_IAM
    api_key_required: bool = False
    integration: str = "AWS_PROXY"  # AWS_PROXY | MOCK
    function_arn: str | None = None
    mock_status: int = 200
    mock_body: str = ""
    mock_headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RestResource:
    path: str
    resource_id: str
    methods: dict[str, RestMethod]


@dataclass
class RestApiModel:
    """What a deployment serves: the resource tree snapshot, the stages and the API keys."""

    api_id: str
    region: str
    account_id: str
    resources: list[RestResource] = field(default_factory=list)
    stages: dict[str, dict[str, str]] = field(default_factory=dict)  # stage name -> stage variables
    binary_media_types: tuple[str, ...] = ()
    api_keys: set[str] = field(default_factory=set)
    # what each stage serves: the snapshot of the resource tree taken by its deployment (else `resources`)
    stage_resources: dict[str, list[RestResource]] = field(default_factory=dict)
    deployments: dict[str, list[RestResource]] = field(default_factory=dict)  # deployment id -> snapshot
    # which deployment each stage serves: a replaced Deployment removes its stage only while it still owns it
    stage_deployments: dict[str, str] = field(default_factory=dict)

    @property
    def domain_name(self) -> str:
        return f"{self.api_id}.execute-api.{self.region}.amazonaws.com"

    def resolve(
        self, stage: str, method: str, path: str
    ) -> tuple[RestResource, RestMethod, dict[str, str]] | None:
        resources = self.stage_resources.get(stage, self.resources)
        for resource in sorted(resources, key=lambda r: specificity(r.path)):
            params = match_template(resource.path, path)
            if params is None:
                continue
            chosen = resource.methods.get(method) or resource.methods.get("ANY")
            return (resource, chosen, params) if chosen else None
        return None


class RestApiDoor:
    """Serve a REST API's stages at `https://<api id>.execute-api.<region>.amazonaws.com/<stage>/...`."""

    def __init__(self, model: RestApiModel, invoke: Invoker) -> None:
        self.model = model
        self._invoke = invoke

    def handle(self, request: HttpRequest) -> HttpResponse:
        model = self.model
        stage, _, rest = request.raw_path.lstrip("/").partition("/")
        if stage not in model.stages:
            return _message(403, "Forbidden", "ForbiddenException")
        path = "/" + rest
        resolved = model.resolve(stage, request.method, path)
        if resolved is None:
            return _message(403, "Missing Authentication Token", "MissingAuthenticationTokenException")
        resource, method, params = resolved
        caller = None
        if method.authorization == "AWS_IAM":
            try:
                caller = verify_sigv4(
                    request, service="execute-api", region=model.region, account_id=model.account_id
                )
            except SignatureRejected as rejected:
                return rejection_response(rejected)
        api_key = request.header("x-api-key")
        if method.api_key_required and api_key not in model.api_keys:
            return _message(403, "Forbidden", "ForbiddenException")
        if method.integration == "MOCK":
            headers = [("Content-Type", "application/json"), *method.mock_headers]
            return HttpResponse(method.mock_status, headers, method.mock_body.encode())
        if method.function_arn is None:
            return _message(500, "Internal server error", "InternalServerErrorException")
        target = V1Target(
            api_id=model.api_id,
            stage=stage,
            resource_path=resource.path,
            path_parameters=params,
            account_id=model.account_id,
            domain_name=model.domain_name,
            resource_id=resource.resource_id,
            stage_variables=model.stages[stage],
            binary_media_types=model.binary_media_types,
            caller=caller,
            api_key=api_key if method.api_key_required else None,
        )
        stamp = RequestStamp.now()
        event = build_v1_event(request, target, stamp=stamp)
        source_arn = f"arn:aws:execute-api:{model.region}:{model.account_id}:{model.api_id}/{stage}/{request.method}{resource.path}"
        try:
            payload = self._invoke(
                method.function_arn,
                json.dumps(event).encode(),
                principal=APIGATEWAY_PRINCIPAL,
                source_arn=source_arn,
                trace_header=stamp.trace_id,
            )
        except InvocationFailed as failed:
            status = 502 if failed.code == "FunctionError" else 500
            return _message(status, "Internal server error", "InternalServerErrorException")
        try:
            return v1_response(payload, request, target)
        except InvalidIntegrationResponse:
            return _message(502, "Internal server error", "InternalServerErrorException")


def rejection_response(rejected: SignatureRejected, *, http_api: bool = False) -> HttpResponse:
    """API Gateway's 403 for a request that is not signed, or not signed right."""
    if rejected.reason == "missing":
        message = "Forbidden" if http_api else "Missing Authentication Token"
    else:
        message = rejected.message
    return _message(403, message, rejected.error_type)


def _message(status: int, message: str, error_type: str) -> HttpResponse:
    return HttpResponse.json({"message": message}, status, [("x-amzn-ErrorType", error_type)])
