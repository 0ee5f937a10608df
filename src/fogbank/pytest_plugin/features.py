"""Feature folders: find the BaseInfrastructure subclass of an `infrastructure.py`, and its fixture.

Example:
    >>> cls = find_infrastructure_class(Path("tests/e2e/logger/infrastructure.py"))  # doctest: +SKIP
    >>> cls.__name__  # doctest: +SKIP
    'LoggerStack'
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from fogbank.errors import ConfigError

if TYPE_CHECKING:
    from fogbank.infrastructure import BaseInfrastructure, StackOutputs
    from fogbank.pytest_plugin.session import SessionTargets

__all__ = ["find_infrastructure_class", "make_feature_fixture"]


def _load_module(path: Path) -> Any:
    path = path.resolve()
    for module in list(sys.modules.values()):
        module_file = getattr(module, "__file__", None)
        if module_file and Path(module_file).resolve() == path:
            return module
    name = "fogbank_feature_" + re.sub(r"\W", "_", f"{path.parent.name}_{path.stem}")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - only for non-.py paths
        raise ConfigError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def find_infrastructure_class(path: Path) -> type[BaseInfrastructure]:
    """The one concrete BaseInfrastructure subclass defined in `path`."""
    from fogbank.infrastructure import BaseInfrastructure

    module = _load_module(path)
    found = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseInfrastructure)
        and cls.__module__ == module.__name__
        and not inspect.isabstract(cls)
    ]
    if len(found) != 1:
        names = ", ".join(cls.__name__ for cls in found) or "none"
        raise ConfigError(
            f"{path} must define exactly one BaseInfrastructure subclass (found: {names}); the fogbank plugin "
            "deploys it for the tests in that folder. Define the `infrastructure` fixture in a conftest.py "
            "there to choose yourself"
        )
    return found[0]


def make_feature_fixture(infrastructure_file: Path) -> object:
    """A holder with a package-scoped `infrastructure` fixture for one feature folder."""

    @pytest.fixture(scope="package", name="infrastructure")
    def infrastructure(
        request: pytest.FixtureRequest, fogbank_layer: str, fogbank_targets: SessionTargets
    ) -> Iterator[StackOutputs]:
        """Deploy the feature's stack, yield its outputs, and always delete it."""
        stack = find_infrastructure_class(infrastructure_file)(target=fogbank_targets.get(None))
        keep = bool(request.config.getoption("fogbank_keep_stacks"))
        try:
            yield stack.deploy()
        finally:
            if keep:
                _report(
                    request,
                    f"kept stack {stack.stack_name}; delete it later with "
                    f"`fogbank destroy {stack.stack_name} --target {stack.target.name}`"
                    + (" (the local cloud's state ends with this session)" if stack.target.is_local else ""),
                )
            else:
                stack.delete()

    holder = types.ModuleType(f"fogbank_fixtures_{infrastructure_file.parent.name}")
    holder.infrastructure = infrastructure  # type: ignore[attr-defined]
    return holder


def _report(request: pytest.FixtureRequest, message: str) -> None:
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"fogbank: {message}")
    else:  # pragma: no cover - xdist workers have no terminal reporter
        sys.stderr.write(f"fogbank: {message}\n")
