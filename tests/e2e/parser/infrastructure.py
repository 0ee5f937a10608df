"""The parser feature's stack: one function per handler."""

from __future__ import annotations

from fogbank.infrastructure import BaseInfrastructure


class ParserStack(BaseInfrastructure):
    def create_resources(self) -> None:
        self.create_lambda_functions()
