"""Router handlers for the Logs, CloudWatch and X-Ray operations fogbank answers itself.

Everything else falls through to moto's service state.
"""

from __future__ import annotations

from fogbank.cloud.aws_state import cloudwatch as cloudwatch_state
from fogbank.cloud.contracts import Routes
from fogbank.cloud.telemetry.cloudwatch_api import CloudWatchApi
from fogbank.cloud.telemetry.logs_api import handle_logs

__all__ = ["register"]


def register(router: Routes) -> None:
    """Add the telemetry handlers to `router`."""
    from fogbank.cloud.telemetry.xray_api import XRayApi

    router.add("logs", handle_logs)
    router.add("monitoring", CloudWatchApi(cloudwatch_state.query_call))
    router.add("xray", XRayApi())
