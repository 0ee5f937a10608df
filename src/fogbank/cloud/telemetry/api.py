"""Router handlers for the Logs, CloudWatch and X-Ray operations fogbank answers itself.

Everything else falls through to moto's service state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fogbank.cloud.router import AwsRouter

if TYPE_CHECKING:
    from fogbank.cloud.telemetry.component import TelemetryComponent

__all__ = ["register"]


def register(router: AwsRouter, telemetry: TelemetryComponent) -> None:
    """Add the telemetry handlers to `router`."""
