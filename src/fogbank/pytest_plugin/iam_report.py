"""The IAM section of the test summary: what the local cloud denied, would deny on AWS, or did not check.

Each xdist worker sends its cloud's findings to the controller (`workeroutput`), which merges them and
prints one section, for example:

    ============================ fogbank IAM (enforce) ============================
    denied: arn:aws:sts::123456789012:assumed-role/R/f dynamodb:PutItem arn:aws:dynamodb:...:table/T (x2)
    not checked: events:PutPartnerEvents (the request does not name the resource ...)

Example:
    >>> report = IamReport(lambda: None)
    >>> report.lines()
    []
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from fogbank.cloud.iam.findings import Finding

if TYPE_CHECKING:
    from fogbank.cloud import LocalCloud

__all__ = ["WORKER_OUTPUT_KEY", "IamReport"]

WORKER_OUTPUT_KEY = "fogbank_iam_findings"


class IamReport:
    """Collects IAM findings of this process's cloud (and of xdist workers) and prints them."""

    def __init__(self, cloud: Callable[[], LocalCloud | None]) -> None:
        self._cloud = cloud
        self._counts: dict[Finding, int] = {}
        self.mode: str | None = None

    def _merge(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            finding = Finding.from_json(entry)
            self._counts[finding] = self._counts.get(finding, 0) + int(entry.get("count", 1))

    def _own_findings(self) -> list[dict[str, Any]]:
        cloud = self._cloud()
        if cloud is None:
            return []
        try:
            iam = cloud.context.iam
        except Exception:  # the cloud did not start, or has stopped
            return []
        self.mode = iam.mode
        return [finding.to_json() | {"count": count} for finding, count in iam.findings()]

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        entries = self._own_findings()
        workeroutput: dict[str, Any] | None = getattr(session.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput[WORKER_OUTPUT_KEY] = entries
            workeroutput[WORKER_OUTPUT_KEY + "_mode"] = self.mode
        else:
            self._merge(entries)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output: dict[str, Any] = getattr(node, "workeroutput", None) or {}
        self._merge(output.get(WORKER_OUTPUT_KEY) or [])
        self.mode = self.mode or output.get(WORKER_OUTPUT_KEY + "_mode")

    def lines(self) -> list[str]:
        """One line per finding, denials first, with a count when it happened more than once."""
        ordered = sorted(
            self._counts.items(), key=lambda item: (item[0].kind != "denied", item[0].kind, item[0].line())
        )
        return [finding.line() + (f" (x{count})" if count > 1 else "") for finding, count in ordered]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        lines = self.lines()
        if not lines:
            return
        terminalreporter.section(f"fogbank IAM ({self.mode or 'local cloud'})")
        for line in lines:
            terminalreporter.write_line(line)
