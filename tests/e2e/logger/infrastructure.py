"""The logger feature's stack: one function per handler, nothing else."""

from __future__ import annotations

from fogbank.infrastructure import BaseInfrastructure


class LoggerStack(BaseInfrastructure):
    def create_resources(self) -> None:
        self.create_lambda_functions()
