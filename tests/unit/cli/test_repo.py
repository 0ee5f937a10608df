"""`fogbank repo pr check-title` with neither a title nor a pull_request event says so (not "not semantic")."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app


def test_no_title_and_no_event_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no GITHUB_EVENT_PATH
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    # WHEN check-title runs without a title
    result = CliRunner().invoke(app, ["repo", "pr", "check-title"])
    # THEN it exits 2 and tells how to pass one
    assert result.exit_code == 2
    assert "no title given" in result.output and "check-title 'feat(logger)" in result.output
