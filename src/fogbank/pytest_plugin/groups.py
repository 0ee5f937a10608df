"""A pytest-xdist scheduler that keeps each feature folder on one worker (what `--dist loadgroup` means here).

With pytest 9.2 and pytest-xdist 3.8 (the pinned pair), `--dist loadgroup` silently degrades to `load`:
xdist marks grouped tests by rewriting `item._nodeid`, and pytest 9 no longer reads that attribute. The tests
of one feature then spread over several workers, and each of them deploys its own copy of the stack.

fogbank's pytest plugin restores the seed's grouping for `--dist loadgroup` with this scheduler: a test's group
is its `@group` suffix when xdist managed to add one, otherwise the folder of its test file, i.e. its feature.
It applies to every `pytest -n N --dist loadgroup` run in a project with fogbank installed.

For pipelined deploys (fogbank.pytest_plugin.pipeline) each worker always holds its next feature as well as
its current one (FEATURES_AHEAD), so that it can deploy the next stack while the current tests run. With
`--fogbank-no-pipeline`, xdist's own refill rule applies (more work when 2 tests or fewer are pending).

Example:
    >>> feature_group("tests/e2e/logger/test_logger.py::test_basic[x]")
    'tests/e2e/logger'
    >>> feature_group("tests/e2e/logger/test_logger.py::test_basic@logger")
    'logger'
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest

__all__ = ["FEATURES_AHEAD", "feature_group", "pytest_xdist_make_scheduler"]

FEATURES_AHEAD = 1


def feature_group(nodeid: str) -> str:
    """The group of a test: its xdist_group suffix when present, else the folder of its test file."""
    if nodeid.rfind("@") > nodeid.rfind("]"):
        return nodeid.rsplit("@", 1)[1]
    return str(PurePosixPath(nodeid.split("::", 1)[0]).parent)


def _scheduler_class() -> type:
    """Built on first use: xdist is imported only when it schedules."""
    from xdist.scheduler import LoadScopeScheduling

    class FeatureGroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """LoadScopeScheduling whose scope is the feature (see feature_group)."""

        def _split_scope(self, nodeid: str) -> str:
            return feature_group(nodeid)

        def _reschedule(self, node: Any) -> None:
            if self.config.getoption("fogbank_no_pipeline", False):
                super()._reschedule(node)
                return
            if node.shutting_down:
                return
            if not self.workqueue:
                node.shutdown()
                return
            pending = sum(1 for unit in self.assigned_work[node].values() if not all(unit.values()))
            for _ in range(1 + FEATURES_AHEAD - pending):
                if self.workqueue:
                    self._assign_work_unit(node)

    return FeatureGroupScheduling


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadgroup":
        return None
    return _scheduler_class()(config, log)
