"""The pytest side of the run report: records tests and features where they run, joins them on the controller.

Each process that runs tests (an xdist worker, or pytest itself without xdist) keeps a `ReportRecorder`:
test outcomes and time windows from pytest's hooks, and per feature (called by the `infrastructure`
fixture) the deploy, the invocations read back before the stack is deleted, and the teardown. A worker hands
its features to the controller through xdist's `workeroutput`; the controller writes the HTML and JSON.

Example:
    $ fogbank e2e --fogbank-report=out/report.html     # or --fogbank-report=none
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from fogbank.report import capture
from fogbank.report.collect import attach_front_doors, collect_invocations, stack_functions
from fogbank.report.model import DeployReport, FeatureReport, RunReport, TeardownReport, TestReport, trim
from fogbank.report.phases import recording
from fogbank.report.stack_events import read_stack_events

__all__ = ["WORKER_OUTPUT_KEY", "ReportRecorder", "feature_name"]

WORKER_OUTPUT_KEY = "fogbank_report_features"
_LONGREPR_LIMIT = 20_000


def feature_name(nodeid: str) -> str:
    """The feature (folder) of a test: `tests/e2e/logger/test_x.py::t` -> `logger`."""
    return PurePosixPath(nodeid.split("::", 1)[0]).parent.name or "."


@dataclass
class _TestState:
    nodeid: str
    started_at: datetime
    outcome: str = "passed"
    duration: float = 0.0
    longrepr: str | None = None
    report: TestReport | None = None  # once the feature's invocations were collected


@dataclass
class _FeatureState:
    report: FeatureReport
    tests: dict[str, _TestState] = field(default_factory=dict)
    collected_until: datetime | None = None


class ReportRecorder:
    """Records this process's tests and features; on the controller, also joins the workers' and writes."""

    def __init__(self, config: pytest.Config, html_path: Path, *, explicit: bool = False) -> None:
        self.config = config
        self.html_path = html_path
        self.explicit = explicit  # write even when no feature was deployed
        self.started_at = datetime.now(UTC)
        self._started = time.monotonic()
        self._features: dict[str, _FeatureState] = {}
        self._from_workers: list[FeatureReport] = []
        self._notes: list[str] = []
        self.worker = os.environ.get("PYTEST_XDIST_WORKER")

    def _runs_tests(self) -> bool:
        """False on the xdist controller, whose workers run (and record) the tests."""
        return not self.config.pluginmanager.has_plugin("dsession")

    # -- tests (every process that runs tests) ----------------------------------------------------------
    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        if not self._runs_tests():
            return
        state = self._feature(nodeid)
        state.tests[nodeid] = _TestState(nodeid=nodeid, started_at=datetime.now(UTC))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self._runs_tests() or report.nodeid not in self._feature(report.nodeid).tests:
            return  # on the controller: the worker that ran the test records it
        test = self._feature(report.nodeid).tests[report.nodeid]
        if report.when == "call" or (report.when == "setup" and not report.passed):
            test.duration += report.duration
        if report.failed:
            if test.outcome != "failed":
                test.outcome = "failed" if report.when == "call" else "error"
            text = report.longreprtext
            test.longrepr = trim(
                text if not test.longrepr else f"{test.longrepr}\n\n{text}", _LONGREPR_LIMIT
            )[0]
        elif report.skipped and test.outcome == "passed":
            test.outcome = "skipped"
            test.longrepr = report.longreprtext or None

    # -- features (called by the infrastructure fixture) -----------------------------------------------
    @contextmanager
    def deploy(self, feature: str, stack: Any) -> Iterator[None]:
        """Time the deploy of `stack` and record its phases, events and outputs (also when it fails)."""
        state = self._features.setdefault(
            feature, _FeatureState(FeatureReport(name=feature, worker=self.worker))
        )
        capture.enable()  # from the first deploy on: Invoke calls and front-door requests of the tests
        started_at, started = datetime.now(UTC), time.perf_counter()
        error: str | None = None
        with recording() as phases:
            try:
                yield
            except BaseException as exc:
                error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                raise
            finally:
                state.report.deploy = self._deploy_report(
                    stack, started_at, time.perf_counter() - started, phases, error
                )

    def collect(self, feature: str, stack: Any) -> None:
        """Read back the invocations of the feature's tests so far (before its stack is deleted)."""
        state = self._features.get(feature)
        if state is None or not state.tests:
            return
        now = datetime.now(UTC)
        deploy_end = _deploy_end(state.report.deploy)
        tests = sorted(
            (t for t in state.tests.values() if t.report is None), key=lambda test: test.started_at
        )
        if not tests:
            return
        since = max(tests[0].started_at, deploy_end or tests[0].started_at)
        try:
            functions = stack_functions(stack.target, stack.stack_name)
            invokes = capture.invokes_between(since, now)
            collected = collect_invocations(stack.target, functions, since, now, invokes)
        except Exception as exc:  # the report must never fail the run; say what is missing instead
            state.report.notes.append(f"could not read the invocations of stack {stack.stack_name}: {exc}")
            return
        state.report.notes.extend(collected.notes)
        requests = capture.http_requests_between(since, now)
        attach_front_doors(collected.invocations, requests)
        starts = [max(test.started_at, since) for test in tests] + [now + timedelta(seconds=1)]
        for index, test in enumerate(tests):
            window = (starts[index], starts[index + 1])
            report = self._test_report(test)
            report.invocations = [i for i in collected.invocations if window[0] <= i.started_at < window[1]]
            report.front_door_requests = [r for r in requests if window[0] <= r.started_at < window[1]]
            test.report = report
        state.collected_until = now

    @contextmanager
    def teardown(self, feature: str, stack: Any, kept: bool) -> Iterator[None]:
        """Time the stack's deletion (or record that it was kept) and read its delete events."""
        state = self._features.setdefault(
            feature, _FeatureState(FeatureReport(name=feature, worker=self.worker))
        )
        started_at, started = datetime.now(UTC), time.perf_counter()
        error: str | None = None
        try:
            yield
        except BaseException as exc:
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            raise
        finally:
            events: list[Any] = []
            stack_id = state.report.deploy.stack_id if state.report.deploy else None
            if not kept and stack_id:
                events, note = read_stack_events(stack.target.client("cloudformation"), stack_id, started_at)
                if note:
                    state.report.notes.append(note)
            state.report.teardown = TeardownReport(
                started_at=started_at,
                duration_seconds=time.perf_counter() - started,
                kept=kept,
                events=events,
                error=error,
            )

    # -- the end: workers hand over, the controller writes --------------------------------------------
    def features(self) -> list[FeatureReport]:
        """This process's features, with the tests that no fixture collected (no `infrastructure`)."""
        reports = []
        for state in self._features.values():
            tests = []
            for test in sorted(state.tests.values(), key=lambda t: t.started_at):
                fresh = self._test_report(test)  # outcome and duration also from reports after the collection
                if test.report is not None:
                    fresh.invocations = test.report.invocations
                    fresh.front_door_requests = test.report.front_door_requests
                tests.append(fresh)
            state.report.tests = tests
            if state.report.tests or state.report.deploy:
                reports.append(state.report)
        return reports

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        workeroutput: dict[str, Any] | None = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput[WORKER_OUTPUT_KEY] = json.dumps([f.model_dump(mode="json") for f in self.features()])

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {}) or {}
        if WORKER_OUTPUT_KEY not in output:
            name = output.get("workerid", getattr(getattr(node, "gateway", None), "id", "?"))
            self._notes.append(
                f"worker {name} ended without handing over its report data ({error or 'no error'})"
            )
            return
        for data in json.loads(output[WORKER_OUTPUT_KEY]):
            self._from_workers.append(FeatureReport.model_validate(data))

    def run_report(self) -> RunReport:
        """The whole run: this process's features plus the workers'."""
        from fogbank.infrastructure import current_run_id

        finished = datetime.now(UTC)
        # A feature whose tests the scheduler spread over several workers was deployed on each: one entry each.
        features = [*self._from_workers, *self.features()]
        options = self.config.option
        target = getattr(options, "fogbank_target", None) or os.environ.get("FOGBANK_TARGET") or "local"
        return RunReport(
            run_id=current_run_id(),
            target=target,
            endpoint=getattr(options, "fogbank_endpoint", None),
            started_at=self.started_at,
            finished_at=finished,
            wall_seconds=time.monotonic() - self._started,
            features=sorted(features, key=lambda feature: (feature.name, feature.worker or "")),
            notes=self._notes,
        )

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workerinput"):
            return
        report = self.run_report()
        if not report.features or not (self.explicit or any(f.deploy for f in report.features)):
            return  # not an e2e run (no feature deployed): no report unless asked for
        from fogbank.report.html import write_report

        html_path, json_path = write_report(report, self.html_path)
        terminalreporter.write_line(f"fogbank report: {html_path} (data: {json_path})", bold=True)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        capture.disable()

    # -- helpers -----------------------------------------------------------------------------------------
    def _feature(self, nodeid: str) -> _FeatureState:
        name = feature_name(nodeid)
        if name not in self._features:
            self._features[name] = _FeatureState(FeatureReport(name=name, worker=self.worker))
        return self._features[name]

    def _test_report(self, test: _TestState) -> TestReport:
        return TestReport(
            nodeid=test.nodeid,
            outcome=test.outcome,  # type: ignore[arg-type]
            started_at=test.started_at,
            duration_seconds=test.duration,
            longrepr=test.longrepr,
            worker=self.worker,
        )

    @staticmethod
    def _deploy_report(
        stack: Any, started_at: datetime, seconds: float, phases: list[Any], error: str | None
    ) -> DeployReport:
        from fogbank.deploy.stacks import stack_status

        report = DeployReport(
            stack_name=stack.stack_name,
            started_at=started_at,
            duration_seconds=seconds,
            phases=phases,
            error=error,
        )
        try:
            status = stack_status(stack.target, stack.stack_name)
        except Exception as exc:
            report.error = report.error or f"could not describe stack {stack.stack_name}: {exc}"
            return report
        if status is None:
            return report
        report.stack_id = status.get("StackId")
        report.outputs = {o["OutputKey"]: o["OutputValue"] for o in status.get("Outputs", [])}
        synth_and_assets = sum(p.duration_seconds for p in report.phases)
        report.phases.append(_stack_phase(started_at, synth_and_assets, seconds))
        events, note = read_stack_events(
            stack.target.client("cloudformation"), report.stack_id or stack.stack_name, started_at
        )
        report.events = events
        if note:
            report.error = report.error or note
        return report


def _stack_phase(started_at: datetime, before_seconds: float, total_seconds: float) -> Any:
    from fogbank.report.model import Phase

    return Phase(
        name="stack",
        started_at=started_at + timedelta(seconds=before_seconds),
        duration_seconds=max(0.0, total_seconds - before_seconds),
    )


def _deploy_end(deploy: DeployReport | None) -> datetime | None:
    if deploy is None:
        return None
    return deploy.started_at + timedelta(seconds=deploy.duration_seconds)
