"""The IAM section of the test summary: findings of this process's cloud and of xdist workers, merged.
A running cloud is not needed: the report reads a cloud through a callable, given a stand-in here; the
plugin in real pytest sessions is tested in tests/integration/framework/test_plugin.py."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fogbank.cloud.iam.findings import Finding
from fogbank.pytest_plugin.iam_report import WORKER_OUTPUT_KEY, IamReport


def test_the_summary_merges_what_workers_found() -> None:
    # GIVEN two xdist workers' findings
    report = IamReport(lambda: None)
    entry = Finding("denied", "arn:p", "dynamodb:PutItem", "arn:t").to_json()

    class Node:
        def __init__(self, count: int) -> None:
            self.workeroutput = {
                "fogbank_iam_findings": [entry | {"count": count}],
                "fogbank_iam_findings_mode": "enforce",
            }

    # WHEN each worker goes down
    report.pytest_testnodedown(Node(1), None)
    report.pytest_testnodedown(Node(2), None)
    # THEN the summary has one line with the total
    assert report.lines() == ["denied: arn:p dynamodb:PutItem arn:t (x3)"]
    assert report.mode == "enforce"


class _Terminal:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def section(self, title: str) -> None:
        self.lines.append(f"== {title} ==")

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def _cloud_with(findings: list[tuple[Finding, int]], mode: str = "warn") -> Any:
    """What IamReport reads of a LocalCloud: `context.iam.mode` and `context.iam.findings()`."""
    iam = SimpleNamespace(mode=mode, findings=lambda: findings)
    return SimpleNamespace(context=SimpleNamespace(iam=iam))


def test_denials_come_first_and_the_section_names_the_mode() -> None:
    # GIVEN this process's cloud found an unchecked call, a would-be denial and a denial
    findings = [
        (Finding("not_checked", "", "events:PutPartnerEvents", "no resource"), 1),
        (Finding("would_deny", "arn:r", "s3:GetObject", "arn:b"), 2),
        (Finding("denied", "arn:r", "sqs:SendMessage", "arn:q"), 1),
    ]
    report = IamReport(lambda: _cloud_with(findings))
    session = SimpleNamespace(config=SimpleNamespace())  # not an xdist worker: no workeroutput
    # WHEN the session finishes and the summary is written
    report.pytest_sessionfinish(session)  # type: ignore[arg-type]
    terminal = _Terminal()
    report.pytest_terminal_summary(terminal)
    # THEN one section, titled with the IAM mode, lists denials first, with counts above one
    assert terminal.lines == [
        "== fogbank IAM (warn) ==",
        "denied: arn:r sqs:SendMessage arn:q",
        "not checked: events:PutPartnerEvents (no resource)",
        "would be denied on AWS: arn:r s3:GetObject arn:b (x2)",
    ]


def test_a_worker_hands_its_findings_to_the_controller_instead_of_printing_them() -> None:
    # GIVEN an xdist worker whose cloud denied one call
    finding = Finding("denied", "arn:r", "sqs:SendMessage", "arn:q")
    report = IamReport(lambda: _cloud_with([(finding, 3)], mode="enforce"))
    workeroutput: dict[str, Any] = {}
    session = SimpleNamespace(config=SimpleNamespace(workeroutput=workeroutput))
    # WHEN its session finishes
    report.pytest_sessionfinish(session)  # type: ignore[arg-type]
    # THEN the findings go to the controller with their counts, and the worker prints nothing
    assert workeroutput == {
        WORKER_OUTPUT_KEY: [finding.to_json() | {"count": 3}],
        WORKER_OUTPUT_KEY + "_mode": "enforce",
    }
    assert report.lines() == []


def test_no_cloud_or_a_stopped_one_reports_nothing() -> None:
    # GIVEN no cloud, and a cloud whose context is gone (it did not start, or stopped)
    class Stopped:
        @property
        def context(self) -> Any:
            raise RuntimeError("the cloud is not running")

    terminal = _Terminal()
    for cloud in (None, Stopped()):
        report = IamReport(lambda cloud=cloud: cloud)  # type: ignore[misc]
        # WHEN the session finishes
        report.pytest_sessionfinish(SimpleNamespace(config=SimpleNamespace()))  # type: ignore[arg-type]
        report.pytest_terminal_summary(terminal)
    # THEN no section is written
    assert terminal.lines == []
