"""The telemetry handlers on the router: fogbank's Logs, CloudWatch and X-Ray operations; the rest is moto's."""

from __future__ import annotations

import json

from fogbank.cloud.router import AwsRequest, AwsRouter
from fogbank.cloud.telemetry.api import register

from ..conftest import Clients


def test_each_signing_name_gets_its_handler_and_passes_the_rest_on(aws: Clients) -> None:
    # GIVEN the handlers registered on a real router
    router = AwsRouter(lambda environ, start_response: [])
    register(router)

    def dispatch(service: str, path: str, body: bytes, **headers: str) -> object:
        return router.dispatch(AwsRequest.build("POST", path, headers, body, service=service))

    # WHEN fogbank's operations of the three services are dispatched
    logs = dispatch(
        "logs", "/", b'{"logGroupName": "/none"}', **{"X-Amz-Target": "Logs_20140328.FilterLogEvents"}
    )
    metrics = dispatch(
        "monitoring",
        "/",
        b"{}",
        **{
            "X-Amz-Target": "GraniteServiceVersion20100801.ListMetrics",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    traces = dispatch("xray", "/Traces", b'{"TraceIds": ["1-5f84c7a0-aaaaaaaaaaaaaaaaaaaaaaaa"]}')

    # THEN each is answered by fogbank
    assert logs is not None and json.loads(logs.body)["__type"] == "ResourceNotFoundException"  # type: ignore[attr-defined]
    assert metrics is not None and json.loads(metrics.body) == {"Metrics": []}  # type: ignore[attr-defined]
    assert traces is not None and json.loads(traces.body)["UnprocessedTraceIds"]  # type: ignore[attr-defined]
    # AND operations moto answers are passed on
    assert dispatch("logs", "/", b"{}", **{"X-Amz-Target": "Logs_20140328.CreateLogGroup"}) is None
    assert dispatch("xray", "/GetSamplingRules", b"{}") is None
