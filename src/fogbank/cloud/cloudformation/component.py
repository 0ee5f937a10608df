"""CloudFormationComponent: see docs/architecture.md (Components)."""

from __future__ import annotations

from fogbank.cloud.context import CloudContext


class CloudFormationComponent:
    """Registers this part of the local cloud on the router; nothing is served yet."""

    def __init__(self, ctx: CloudContext) -> None:
        self.ctx = ctx

    def start(self) -> None:
        """Register routes and start threads."""

    def stop(self) -> None:
        """End every thread, process and listener this component started. Idempotent."""
