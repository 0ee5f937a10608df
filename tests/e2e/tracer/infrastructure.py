"""The tracer feature's stack: one function per handler (active tracing is the framework's default)."""

from __future__ import annotations

from fogbank.infrastructure import BaseInfrastructure


class TracerStack(BaseInfrastructure):
    def create_resources(self) -> None:
        self.create_lambda_functions()
