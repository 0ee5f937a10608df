"""A Lambda function URL: every path and method reach the function; AuthType NONE or AWS_IAM; CORS.

Without a resource policy allowing `lambda:InvokeFunctionUrl` to "*" (AuthType NONE), or without a valid
signature (AWS_IAM), the answer is `403 {"Message":"Forbidden"}`; a function error or a malformed answer
gives `502 Internal Server Error`.

Example:
    >>> url = FunctionUrlModel("u1", "arn:aws:lambda:us-east-1:1:function:f", "NONE", "us-east-1", "1")
    >>> url.url
    'https://u1.lambda-url.us-east-1.on.aws/'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from fogbank.cloud.frontdoors.cors import UrlCors
from fogbank.cloud.frontdoors.events.apigw_v2 import V2Target, build_v2_event, v2_response
from fogbank.cloud.frontdoors.events.common import InvalidIntegrationResponse, RequestStamp
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse
from fogbank.cloud.frontdoors.invoker import InvocationFailed, Invoker
from fogbank.cloud.frontdoors.sigv4 import SignatureRejected, verify_sigv4

__all__ = ["FunctionUrlDoor", "FunctionUrlModel"]

PolicyCheck = Callable[[str, str], bool]  # (function arn, auth type) -> may "*" InvokeFunctionUrl


@dataclass
class FunctionUrlModel:
    url_id: str
    function_arn: str
    auth_type: str
    region: str
    account_id: str
    cors: UrlCors | None = None

    @property
    def domain_name(self) -> str:
        return f"{self.url_id}.lambda-url.{self.region}.on.aws"

    @property
    def url(self) -> str:
        return f"https://{self.domain_name}/"


class FunctionUrlDoor:
    def __init__(self, model: FunctionUrlModel, invoke: Invoker, public_access_allowed: PolicyCheck) -> None:
        self.model = model
        self._invoke = invoke
        self._public_access_allowed = public_access_allowed

    def handle(self, request: HttpRequest) -> HttpResponse:
        model = self.model
        if model.cors is not None:
            preflight = model.cors.preflight(request)
            if preflight is not None:
                return preflight
        caller = None
        if model.auth_type == "AWS_IAM":
            try:
                caller = verify_sigv4(
                    request, service="lambda", region=model.region, account_id=model.account_id
                )
            except SignatureRejected as rejected:
                message = "Forbidden" if rejected.reason == "missing" else rejected.message
                error_type = "AccessDeniedException" if rejected.reason == "missing" else rejected.error_type
                return HttpResponse.json({"Message": message}, 403, [("x-amzn-ErrorType", error_type)])
        elif not self._public_access_allowed(model.function_arn, model.auth_type):
            return HttpResponse.json(
                {"Message": "Forbidden"}, 403, [("x-amzn-ErrorType", "AccessDeniedException")]
            )
        stamp = RequestStamp.now()
        target = V2Target(
            model.url_id,
            "$default",
            "$default",
            model.account_id,
            model.domain_name,
            caller=caller,
            function_url=True,
        )
        event = build_v2_event(request, target, stamp=stamp)
        try:
            payload = self._invoke(
                model.function_arn,
                json.dumps(event).encode(),
                principal="iam",
                source_arn=None,
                trace_header=stamp.trace_id,
            )
            response = v2_response(payload)
        except (InvocationFailed, InvalidIntegrationResponse):
            response = HttpResponse(
                502,
                [("Content-Type", "text/plain"), ("x-amzn-ErrorType", "LambdaUserError")],
                b"Internal Server Error",
            )
        return model.cors.apply(request, response) if model.cors is not None else response
