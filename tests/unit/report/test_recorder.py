"""The pytest side of the run report, driven in this process with pytest's own report objects and a real
pytest Config (pytester). CloudFormation (AWS) is answered by botocore's Stubber; the stack passed to the
recorder stands in for a deployed feature stack (its name and target are all the recorder reads). The
recorder in real pytest sessions is tested in tests/integration/report/test_recorder.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.stub import Stubber

from fogbank.deploy.targets import local_target
from fogbank.report import capture
from fogbank.report.phases import phase
from fogbank.report.recorder import WORKER_OUTPUT_KEY, ReportRecorder, feature_name

pytest_plugins = ["pytester"]


@pytest.fixture
def recorder(pytester: pytest.Pytester) -> Iterator[ReportRecorder]:
    config = pytester.parseconfig("-p", "no:xdist")  # no xdist: this process runs the tests
    made = ReportRecorder(config, pytester.path / "report.html")
    try:
        yield made
    finally:
        capture.disable()  # deploy() switches the capture of Invoke calls on


def report(
    nodeid: str, when: str, outcome: str, longrepr: str | None = None, duration: float = 0.5
) -> pytest.TestReport:
    return pytest.TestReport(nodeid, ("x.py", 1, "t"), {}, outcome, longrepr, when, duration=duration)  # type: ignore[arg-type]


def run(recorder: ReportRecorder, nodeid: str, *phases: pytest.TestReport) -> None:
    recorder.pytest_runtest_logstart(nodeid, ("x.py", 1, "t"))
    for item in phases:
        recorder.pytest_runtest_logreport(item)


def test_outcomes_durations_and_failures_are_recorded_per_feature(recorder: ReportRecorder) -> None:
    # GIVEN tests of two features: passed, failed in call then in teardown, errored in setup, skipped
    ok, bad, broken, skipped = (
        f"tests/e2e/logger/test_a.py::{n}" for n in ("ok", "bad", "broken", "skipped")
    )
    run(
        recorder,
        ok,
        report(ok, "setup", "passed"),
        report(ok, "call", "passed", duration=1.0),
        report(ok, "teardown", "passed"),
    )
    run(recorder, bad, report(bad, "setup", "passed"), report(bad, "call", "failed", "assert 1 == 2"),
        report(bad, "teardown", "failed", "cleanup broke"))  # fmt: skip
    run(recorder, broken, report(broken, "setup", "failed", "fixture exploded", duration=2.0))
    run(recorder, skipped, report(skipped, "setup", "skipped", "('x.py', 1, 'Skipped: no aws')"))
    other = "tests/e2e/tracer/test_t.py::t"
    run(recorder, other, report(other, "call", "passed"))
    # WHEN the features are read
    features = {feature.name: feature for feature in recorder.features()}
    # THEN each test has its outcome; a setup error is "error" and counts its setup time; failures keep text
    tests = {test.nodeid.rsplit("::", 1)[1]: test for test in features["logger"].tests}
    assert {name: test.outcome for name, test in tests.items()} == {
        "ok": "passed", "bad": "failed", "broken": "error", "skipped": "skipped"}  # fmt: skip
    assert tests["ok"].duration_seconds == 1.0 and tests["broken"].duration_seconds == 2.0
    assert tests["bad"].longrepr == "assert 1 == 2\n\ncleanup broke"
    assert [test.nodeid for test in features["tracer"].tests] == [other]


class _Stack:
    """Stands in for a deployed feature stack: the recorder reads its name and target."""

    def __init__(self) -> None:
        self.stack_name = "fogbank-logger-unit"
        self.target = local_target("http://127.0.0.1:9", region="us-east-1", account_id="123456789012")


def test_a_deploy_is_timed_with_its_phases_outputs_and_events(recorder: ReportRecorder) -> None:
    # GIVEN a stack CloudFormation describes as created, with one output and two events
    stack = _Stack()
    now = datetime.now(UTC)
    stack_id = "arn:aws:cloudformation:us-east-1:123456789012:stack/fogbank-logger-unit/1"
    with Stubber(stack.target.client("cloudformation")) as cloudformation:
        cloudformation.add_response("describe_stacks", {"Stacks": [{
            "StackId": stack_id, "StackName": stack.stack_name, "CreationTime": now, "StackStatus": "CREATE_COMPLETE",
            "Outputs": [{"OutputKey": "BasicHandler", "OutputValue": "fn-1"}]}]}, {"StackName": stack.stack_name})  # fmt: skip
        events = [
            {"StackId": stack_id, "EventId": str(n), "StackName": stack.stack_name, "LogicalResourceId": "Fn",
             "ResourceType": "AWS::Lambda::Function", "Timestamp": now + timedelta(seconds=n), "ResourceStatus": s}
            for n, s in ((2, "CREATE_COMPLETE"), (1, "CREATE_IN_PROGRESS"))
        ]  # fmt: skip
        cloudformation.add_response("describe_stack_events", {"StackEvents": events}, {"StackName": stack_id})
        # WHEN the feature's deploy runs inside the recorder, with a synth phase
        with recorder.deploy("logger", stack), phase("synth"):
            pass
    # THEN the deploy report has the stack id, the outputs, the synth and stack phases, and the timed events
    (feature,) = recorder.features()
    deploy = feature.deploy
    assert deploy is not None and deploy.error is None
    assert (deploy.stack_id, deploy.outputs) == (stack_id, {"BasicHandler": "fn-1"})
    assert [p.name for p in deploy.phases] == ["synth", "stack"]
    assert [(e.status, e.duration_seconds) for e in deploy.events] == [
        ("CREATE_IN_PROGRESS", None),
        ("CREATE_COMPLETE", 1.0),
    ]


def test_a_failed_deploy_is_recorded_with_its_error_and_still_raised(recorder: ReportRecorder) -> None:
    # GIVEN a stack that CloudFormation does not know (the create failed before it existed)
    stack = _Stack()
    with Stubber(stack.target.client("cloudformation")) as cloudformation:
        cloudformation.add_client_error(
            "describe_stacks", "ValidationError", "Stack with id fogbank-logger-unit does not exist"
        )
        # WHEN the deploy raises inside the recorder THEN the error still reaches the test
        with pytest.raises(RuntimeError, match="template is invalid"), recorder.deploy("logger", stack):
            raise RuntimeError("template is invalid")
    # AND the deploy report says what failed
    (feature,) = recorder.features()
    assert feature.deploy is not None and feature.deploy.error == "RuntimeError: template is invalid"


def test_workers_hand_their_features_to_the_controller(
    recorder: ReportRecorder, pytester: pytest.Pytester
) -> None:
    # GIVEN a worker that ran one test
    nodeid = "tests/e2e/logger/test_a.py::ok"
    run(recorder, nodeid, report(nodeid, "call", "passed"))
    recorder.config.workeroutput = {}  # type: ignore[attr-defined]
    # WHEN its session finishes
    recorder.pytest_sessionfinish(None)  # type: ignore[arg-type]
    output: dict[str, Any] = recorder.config.workeroutput  # type: ignore[attr-defined]
    # THEN the controller merges what it handed over, and notes a worker that handed nothing
    controller = ReportRecorder(pytester.parseconfig("-p", "no:xdist"), pytester.path / "r.html")
    controller.pytest_testnodedown(SimpleNamespace(workeroutput=output), None)
    controller.pytest_testnodedown(SimpleNamespace(workeroutput={"workerid": "gw3"}), "crashed")
    merged = controller.run_report()
    assert [t.nodeid for f in merged.features for t in f.tests] == [nodeid]
    assert merged.notes == ["worker gw3 ended without handing over its report data (crashed)"]
    assert json.loads(output[WORKER_OUTPUT_KEY])[0]["name"] == "logger"


def test_the_feature_of_a_test_is_its_folder() -> None:
    # GIVEN / WHEN / THEN
    assert feature_name("tests/e2e/event_handler/test_cors.py::test_x[a::b]") == "event_handler"
    assert feature_name("test_top.py::t") == "."
