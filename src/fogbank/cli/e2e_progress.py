"""A pytest plugin that shows e2e progress per feature (deploy, tests, teardown) and ends with a summary.

`fogbank e2e` loads it with `-p fogbank.cli.e2e_progress`; it works with and without pytest-xdist (on the
controller it reads the reports the workers send). A feature is the folder of a test file. Its deploy time is
the setup of its first test (where the package-scoped `infrastructure` fixture synthesizes and deploys; the
first feature on each worker also pays for the layer build and the local cloud's start), its teardown time is
the teardown of its last test (where the stack is deleted).

Example:
    $ pytest tests/e2e -n auto --dist loadgroup -p fogbank.cli.e2e_progress --fogbank-e2e-report=e2e.json
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fogbank.sharding import FeatureDuration

__all__ = ["FeatureProgress", "ProgressReporter", "feature_of"]

REPORT_OPTION = "--fogbank-e2e-report"
DURATIONS_OPTION = "--fogbank-durations"


def feature_of(nodeid: str) -> str:
    """The feature a test belongs to: the folder of its file.

    >>> feature_of("tests/e2e/logger/test_logger.py::test_basic[x]")
    'logger'
    """
    return PurePosixPath(nodeid.split("::", 1)[0]).parent.name or "."


@dataclass
class FeatureProgress:
    """What happened to one feature so far; times in seconds."""

    name: str
    total: int = 0
    done: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    errors: int = 0
    deploy_seconds: float | None = None
    deploy_failed: bool = False
    tests_seconds: float = 0.0
    teardown_seconds: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    _setup_seen: bool = field(default=False, repr=False)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.errors or self.deploy_failed)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_setup_seen")
        data["ok"] = self.ok
        return data


class ProgressReporter:
    """Collects per-feature progress from test reports and prints one line per phase."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.features: dict[str, FeatureProgress] = {}
        self.started = time.monotonic()
        self._collected = False
        self.stack_timings: dict[str, dict[str, float]] = {}  # from pipelined deploys (the stack's own times)

    # -- collection: how many tests each feature has -----------------------------------------------------
    def _count(self, nodeids: list[str]) -> None:
        if self._collected:
            return
        self._collected = True
        for nodeid in nodeids:
            self._feature(nodeid).total += 1

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if not hasattr(self.config, "workerinput"):  # without xdist the items are here
            self._count([item.nodeid for item in session.items])

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self._count(list(ids))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        from fogbank.pytest_plugin.plugin import WORKEROUTPUT_TIMINGS

        self.stack_timings.update(getattr(node, "workeroutput", {}).get(WORKEROUTPUT_TIMINGS, {}))

    # -- progress ----------------------------------------------------------------------------------------
    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        feature = self._feature(nodeid)
        if feature.started_at is None:
            feature.started_at = time.monotonic()
            self._say(feature, "deploying (synth, assets, stack) ...")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        feature = self._feature(report.nodeid)
        if report.when == "setup":
            self._on_setup(feature, report)
        elif report.when == "call":
            feature.tests_seconds += report.duration
            if report.passed:
                feature.passed += 1
            elif report.skipped:
                feature.skipped += 1
            else:
                feature.failed += 1
        elif report.when == "teardown":
            self._on_teardown(feature, report)

    def _on_setup(self, feature: FeatureProgress, report: pytest.TestReport) -> None:
        if report.skipped:
            feature.skipped += 1
        elif report.failed:
            feature.errors += 1
        if feature._setup_seen:
            return
        feature._setup_seen = True
        feature.deploy_seconds = report.duration
        if report.failed:
            feature.deploy_failed = True
            self._say(feature, f"setup FAILED after {report.duration:.1f} s (see the errors below)")
        else:
            self._say(feature, f"deployed in {report.duration:.1f} s; running {feature.total} tests")

    def _on_teardown(self, feature: FeatureProgress, report: pytest.TestReport) -> None:
        if report.failed:
            feature.errors += 1
        feature.done += 1
        if feature.done < feature.total:
            return
        feature.teardown_seconds = report.duration
        feature.finished_at = time.monotonic()
        verdict = "ok" if feature.ok else "FAILED"
        self._say(
            feature,
            f"{verdict}: {self._counts(feature)}; tests {feature.tests_seconds:.1f} s, "
            f"teardown (stack delete) {report.duration:.1f} s",
        )

    # -- summary -----------------------------------------------------------------------------------------
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.features:
            return
        wall = time.monotonic() - self.started
        terminalreporter.section("fogbank e2e summary")
        header = f"{'feature':<18} {'result':<7} {'tests':<22} {'deploy':>8} {'tests':>8} {'teardown':>9}"
        terminalreporter.write_line(header)
        for feature in sorted(self.features.values(), key=lambda f: f.name):
            terminalreporter.write_line(
                f"{feature.name:<18} {'ok' if feature.ok else 'FAILED':<7} {self._counts(feature):<22} "
                f"{_seconds(feature.deploy_seconds):>8} {_seconds(feature.tests_seconds):>8} "
                f"{_seconds(feature.teardown_seconds):>9}"
            )
        failed = [f.name for f in self.features.values() if not f.ok]
        terminalreporter.write_line(
            f"{len(self.features)} features, wall time {wall:.1f} s; "
            + (f"failed: {', '.join(sorted(failed))}" if failed else "all passed")
        )
        report_path = self.config.getoption(REPORT_OPTION, None)
        if report_path:
            self.write_report(Path(report_path), wall)
        self.record_durations(terminalreporter)

    def measured_durations(self) -> dict[str, FeatureDuration]:
        """Per feature that ran all its tests after a successful deploy: deploy, tests, teardown seconds.

        With pipelined deploys the stack's own deploy and delete times count (a test waits less than that).
        """
        from fogbank.pytest_plugin.plugin import stack_timings
        from fogbank.sharding import FeatureDuration

        timings = {**stack_timings(self.config), **self.stack_timings}
        measured = {}
        for name, feature in self.features.items():
            if feature.finished_at is None or feature.deploy_failed or feature.deploy_seconds is None:
                continue
            stack = timings.get(name, {})
            measured[name] = FeatureDuration(
                deploy=stack.get("deploy", feature.deploy_seconds),
                tests=feature.tests_seconds,
                teardown=stack.get("teardown", feature.teardown_seconds or 0.0),
                test_count=feature.total,
            )
        return measured

    def _partial_run(self) -> bool:
        option = self.config.option
        selected = getattr(option, "keyword", "") or getattr(option, "markexpr", "")
        filtered = getattr(option, "lf", False) or getattr(option, "deselect", None)
        return bool(selected or filtered or any("::" in str(arg) for arg in self.config.args))

    def record_durations(self, terminalreporter: Any) -> None:
        """Update the durations file with this run's figures (not for runs of some tests only)."""
        from fogbank.sharding import Durations, default_durations_path

        setting = self.config.getoption(DURATIONS_OPTION, None) or os.environ.get("FOGBANK_DURATIONS")
        if setting == "none" or self._partial_run():
            return
        target = self.config.getoption("fogbank_target", None) or os.environ.get("FOGBANK_TARGET") or "local"
        path = Path(setting) if setting else default_durations_path(self.config.rootpath, target=str(target))
        measured = self.measured_durations()
        if not measured:
            return
        if Durations.load(path).updated(measured).save(path):
            terminalreporter.write_line(f"fogbank: durations of {len(measured)} features recorded in {path}")

    def write_report(self, path: Path, wall_seconds: float) -> None:
        """Write the per-feature figures as JSON (used by benchmarks/e2e_timing.py)."""
        payload = {
            "wall_seconds": wall_seconds,
            "features": {name: feature.as_dict() for name, feature in sorted(self.features.items())},
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, indent=2) + "\n")

    # -- helpers -----------------------------------------------------------------------------------------
    def _feature(self, nodeid: str) -> FeatureProgress:
        name = feature_of(nodeid)
        if name not in self.features:
            self.features[name] = FeatureProgress(name=name)
        return self.features[name]

    @staticmethod
    def _counts(feature: FeatureProgress) -> str:
        parts = [f"{feature.passed} passed"]
        for label, count in (
            ("failed", feature.failed),
            ("errors", feature.errors),
            ("skipped", feature.skipped),
        ):
            if count:
                parts.append(f"{count} {label}")
        return ", ".join(parts)

    def _say(self, feature: FeatureProgress, message: str) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        elapsed = time.monotonic() - self.started
        line = f"[e2e {elapsed:6.1f}s] {feature.name:<16} {message}"
        if reporter is None:
            print(line, flush=True)
            return
        reporter.ensure_newline()
        reporter.write_line(line)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        REPORT_OPTION,
        default=None,
        metavar="PATH",
        help="fogbank e2e: write per-feature timings (deploy, tests, teardown) as JSON to PATH.",
    )
    parser.addoption(
        DURATIONS_OPTION,
        default=None,
        metavar="PATH",
        help="fogbank e2e: the durations file this run updates (default: FOGBANK_DURATIONS, else "
        ".fogbank/durations.json in the project root; `none`: do not record).",
    )


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # xdist workers send reports; the controller shows them
        return
    config.pluginmanager.register(ProgressReporter(config), "fogbank-e2e-progress")
