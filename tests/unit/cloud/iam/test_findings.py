"""Modes and findings: how the local cloud reports what it denied, would deny, or did not check."""

from __future__ import annotations

import pytest

from fogbank.cloud.iam.findings import MODE_ENV, Finding, FindingLog, resolve_mode
from fogbank.errors import ConfigError


def test_the_mode_comes_from_the_argument_then_the_environment_then_enforce(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN no setting, then an environment variable, then an explicit value
    monkeypatch.delenv(MODE_ENV, raising=False)
    assert resolve_mode() == "enforce"
    monkeypatch.setenv(MODE_ENV, "warn")
    assert resolve_mode() == "warn"
    assert resolve_mode("off") == "off"
    # WHEN the value is not a mode  THEN the error names it and where to set it
    with pytest.raises(ConfigError, match="'loose' is not one of enforce, warn, off"):
        resolve_mode("loose")


def test_findings_are_kept_once_with_counts() -> None:
    # GIVEN the same would-be denial twice and a not-checked operation
    log = FindingLog()
    deny = Finding("would_deny", "arn:aws:sts::1:assumed-role/R/f", "s3:GetObject", "arn:aws:s3:::b/k")
    # WHEN recorded
    assert log.add(deny) is True
    assert log.add(deny) is False
    log.add(
        Finding("not_checked", "arn:aws:sts::1:assumed-role/R/f", "events:PutPartnerEvents", "no resource")
    )
    # THEN each is listed once, with its count, in the wording
    lines = {finding.line(): count for finding, count in log.findings()}
    assert lines == {
        "would be denied on AWS: arn:aws:sts::1:assumed-role/R/f s3:GetObject arn:aws:s3:::b/k": 2,
        "not checked: events:PutPartnerEvents (no resource)": 1,
    }
