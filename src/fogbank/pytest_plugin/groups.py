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

Features are handed out longest first (`longest_first`): by the seconds their tests took in the last recorded
run (the durations file `fogbank e2e` keeps, see fogbank.sharding), so that a feature whose tests wait on
purpose (a Lambda timeout, a TTL) starts at once instead of last on a worker while the others idle. A feature
the file does not know is weighed by its number of tests.

Example:
    >>> feature_group("tests/e2e/logger/test_logger.py::test_basic[x]")
    'tests/e2e/logger'
    >>> feature_group("tests/e2e/logger/test_logger.py::test_basic@logger")
    'logger'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fogbank.sharding import Durations

__all__ = ["FEATURES_AHEAD", "feature_group", "longest_first", "pytest_xdist_make_scheduler"]

FEATURES_AHEAD = 1
_DEFAULT_TEST_SECONDS = 0.5  # per test, while nothing is recorded


def feature_group(nodeid: str) -> str:
    """The group of a test: its xdist_group suffix when present, else the folder of its test file."""
    if nodeid.rfind("@") > nodeid.rfind("]"):
        return nodeid.rsplit("@", 1)[1]
    return str(PurePosixPath(nodeid.split("::", 1)[0]).parent)


def longest_first(test_counts: Mapping[str, int], durations: Durations) -> list[str]:
    """The groups, longest expected tests phase first (ties keep their order).

    A group's feature is the last part of its folder; its weight is the recorded seconds of its tests, else
    its number of tests times the recorded seconds per test (0.5 s when nothing is recorded).

    >>> from fogbank.sharding import Durations, FeatureDuration
    >>> recorded = Durations({"idempotency": FeatureDuration(deploy=1, tests=12, teardown=0.1, test_count=5),
    ...                       "parser": FeatureDuration(deploy=1, tests=4, teardown=0.1, test_count=8)})
    >>> longest_first({"e2e/parser": 8, "e2e/new": 47, "e2e/idempotency": 5}, recorded)
    ['e2e/new', 'e2e/idempotency', 'e2e/parser']
    """
    counted = sum(entry.test_count for entry in durations.values())
    per_test = (
        sum(entry.tests for entry in durations.values()) / counted if counted else _DEFAULT_TEST_SECONDS
    )

    def weight(group: str) -> float:
        entry = durations.get(PurePosixPath(group).name)
        return entry.tests if entry is not None else test_counts[group] * per_test

    return sorted(test_counts, key=weight, reverse=True)


def _recorded_durations(config: pytest.Config) -> Durations:
    """The durations file this run's target records into (see fogbank.cli.e2e_progress); empty if absent."""
    from fogbank.sharding import Durations, default_durations_path

    setting = config.getoption("fogbank_durations", None) or os.environ.get("FOGBANK_DURATIONS")
    if setting and setting != "none":
        return Durations.load(Path(setting))
    target = config.getoption("fogbank_target", None) or os.environ.get("FOGBANK_TARGET") or "local"
    return Durations.load(default_durations_path(config.rootpath, target=str(target)))


def _scheduler_class() -> type:
    """Built on first use: xdist is imported only when it schedules."""
    from xdist.scheduler import LoadScopeScheduling

    class FeatureGroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """LoadScopeScheduling whose scope is the feature (see feature_group)."""

        _ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return feature_group(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            if not self._ordered:  # the first call: the work queue is complete, nothing is assigned yet
                self._ordered = True
                queue = self.workqueue  # an OrderedDict: feature group -> its tests
                counts = {group: len(tests) for group, tests in queue.items()}
                for group in longest_first(counts, _recorded_durations(self.config)):
                    queue.move_to_end(group)
            super()._assign_work_unit(node)

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
