"""The `infrastructure` fixture of one feature folder.

Example (skipped as a doctest: it needs a pytest session):
    >>> holder = make_feature_fixture(Path("tests/e2e/logger/infrastructure.py"))  # doctest: +SKIP
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from fogbank.heap import freeze_long_lived
from fogbank.infrastructure import find_infrastructure_class

if TYPE_CHECKING:
    from fogbank.infrastructure import BaseInfrastructure, StackOutputs
    from fogbank.pytest_plugin.pipeline import StackPipeline
    from fogbank.pytest_plugin.session import SessionTargets

__all__ = ["KeptStackWarning", "make_feature_fixture"]


def make_feature_fixture(infrastructure_file: Path) -> object:
    """A holder with a package-scoped `infrastructure` fixture for one feature folder."""

    @pytest.fixture(scope="package", name="infrastructure")
    def infrastructure(
        request: pytest.FixtureRequest,
        fogbank_layer: str,
        fogbank_targets: SessionTargets,
        fogbank_pipeline: StackPipeline | None,
    ) -> Iterator[StackOutputs]:
        """Deploy the feature's stack, yield its outputs, and always delete it."""
        if fogbank_pipeline is not None:  # deployed ahead (or now), deleted in the background
            try:
                yield fogbank_pipeline.acquire(infrastructure_file.parent)
            finally:
                fogbank_pipeline.release(infrastructure_file.parent)
            return
        stack = find_infrastructure_class(infrastructure_file)(target=fogbank_targets.get(None))
        keep = bool(request.config.getoption("fogbank_keep_stacks"))
        recorder = request.config.pluginmanager.get_plugin("fogbank-report")
        feature = infrastructure_file.parent.name
        try:
            with recorder.deploy(feature, stack) if recorder else nullcontext():
                outputs = stack.deploy()
            freeze_long_lived()  # see fogbank.heap
            yield outputs
        finally:
            try:
                if recorder is not None:
                    recorder.collect(feature, stack)  # before the stack (and its log groups) go
            finally:  # even when reading the report's data is interrupted (Ctrl-C), the stack is deleted
                with recorder.teardown(feature, stack, kept=keep) if recorder else nullcontext():
                    _end(request, stack, keep)

    holder = types.ModuleType(f"fogbank_fixtures_{infrastructure_file.parent.name}")
    holder.infrastructure = infrastructure  # type: ignore[attr-defined]
    return holder


def _end(request: pytest.FixtureRequest, stack: BaseInfrastructure, keep: bool) -> None:
    """Delete the stack, or (--fogbank-keep-stacks) say how to delete it later."""
    if not keep:
        stack.delete()
        return
    endpoint = f" --endpoint {stack.target.endpoint_url}" if stack.target.is_local else ""
    _report(
        request,
        f"kept stack {stack.stack_name}; delete it later with "
        f"`fogbank destroy {stack.stack_name} --target {stack.target.name}{endpoint}`",
    )


class KeptStackWarning(UserWarning):
    """A stack was kept (--fogbank-keep-stacks); the message says how to delete it."""


def _report(request: pytest.FixtureRequest, message: str) -> None:
    """A warning reaches the summary also from xdist workers; the terminal line shows it right away."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"fogbank: {message}")
    warnings.warn(KeptStackWarning(message), stacklevel=1)
