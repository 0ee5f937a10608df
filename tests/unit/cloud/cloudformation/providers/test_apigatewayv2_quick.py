"""HTTP API quick create: an Api with Target makes its integration, route and auto-deployed $default stage."""

from __future__ import annotations

from typing import Any

import pytest

from ...conftest import ACCOUNT
from ..conftest import body, deploy

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"


def _api(**quick: str) -> str:
    return body(
        {
            "Api": {
                "Type": "AWS::ApiGatewayV2::Api",
                "Properties": {"Name": "quick", "ProtocolType": "HTTP", **quick},
            }
        },
        Outputs={"Api": {"Value": {"Ref": "Api"}}},
    )


@pytest.mark.parametrize(
    ("quick", "method", "path"),
    [({}, "DELETE", "/anything/at/all"), ({"RouteKey": "GET /ping"}, "GET", "/ping")],
)
def test_a_target_alone_serves_the_function_on_the_default_stage(
    with_doors: tuple[Any, Any], quick: dict[str, str], method: str, path: str
) -> None:
    cfn, doors = with_doors
    # WHEN an Api with only a Target (and maybe a RouteKey) is deployed
    api_id = deploy(cfn, "s", _api(Target=FUNCTION, **quick))["Api"]
    # THEN the $default stage serves the route ($default when no RouteKey) with a 2.0 proxy to the target
    model = doors.http_api(api_id)
    assert "$default" in model.stages
    route, _ = model.resolve(method, path)
    assert (route.function_arn, route.payload_version) == (FUNCTION, "2.0")


def test_a_target_that_is_not_a_function_fails_the_resource(with_doors: tuple[Any, Any]) -> None:
    cfn, _ = with_doors
    with pytest.raises(AssertionError, match="Api"):
        deploy(cfn, "s", _api(Target="https://example.com/backend"))
