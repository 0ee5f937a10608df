"""`fogbank repo board sync` and `fogbank repo triage` through click's CliRunner. FakeGitHub stands in for
GitHub's REST API and GitHubGraphQL (tests/github_graphql.py) for its GraphQL API, executing GitHub's
published schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.repo.github.fake import FakeGitHub
from github_graphql import GitHubGraphQL

STATUSES = ["Triage", "Backlog", "Pending review", "Coming soon", "Shipped"]


@pytest.fixture
def server() -> GitHubGraphQL:
    return GitHubGraphQL("octo/repo")


def _config(tmp_path, text: str = "board: {number: 3}\n") -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".github").mkdir(exist_ok=True)
    (tmp_path / ".github" / "fogbank.yml").write_text(text)


def test_sync_adds_open_work_and_fixes_statuses(
    server: GitHubGraphQL, github_with, run_cli, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # GIVEN a board with one closed issue still "Triage", and open work not on it
    project = server.add_project("organization", "octo", 3, "Roadmap", STATUSES)
    closed = server.add_work("Issue", 1, "Old bug", state="CLOSED", labels=("triage",))
    server.put_on_board(project, closed, "Triage")
    new_issue = server.add_work("Issue", 2, "New bug", labels=("triage",))
    pending = server.add_work("Issue", 3, "Fixed soon", labels=("pending-release",))
    pull = server.add_work("PullRequest", 4, "feat: x")
    github_with(server)
    _config(tmp_path)

    # WHEN board sync runs with --dry-run
    dry = run_cli("board", "sync", "--dry-run")

    # THEN it prints the planned mutations and sends none
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        "add-to-board\t#2\tRoadmap, status Triage",
        "add-to-board\t#3\tRoadmap, status Coming soon",
        "add-to-board\t#4\tRoadmap, status Pending review",
        "set-status\t#1\tTriage -> Shipped",
    ]
    assert not [name for name, _ in server.requests if name in ("FogbankAddToBoard", "FogbankSetBoardStatus")]

    # WHEN it runs for real
    result = run_cli("board", "sync")

    # THEN the board holds every item with its status, and a second run plans nothing
    assert result.exit_code == 0, result.output
    assert server.status_of(project, closed) == "Shipped"
    assert server.status_of(project, new_issue) == "Triage"
    assert server.status_of(project, pending) == "Coming soon"
    assert server.status_of(project, pull) == "Pending review"
    again = run_cli("board", "sync", "--dry-run")
    assert again.exit_code == 0 and "add-to-board" not in again.output and "set-status" not in again.output


def test_board_sync_without_a_board_in_the_config_is_exit_2(
    server: GitHubGraphQL, github_with, run_cli
) -> None:  # type: ignore[no-untyped-def]
    # GIVEN no board.number in the config (the default)
    github_with(server)
    # WHEN board sync runs THEN it exits 2 with one error line saying what to add, and sends nothing
    result = run_cli("board", "sync", "--dry-run")
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        result.stderr
        == "error: board.number is not set; add `board: {number: <project number>}` to the config\n"
    )
    assert server.requests == []


def test_triage_writes_the_report_to_the_output_and_the_step_summary(
    github: FakeGitHub, run_cli, payloads, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an unanswered triage issue and a GitHub Actions step summary file
    github.add_issue_payload(
        payloads.issue(1, "Crash", labels=("triage",), created_at="2020-01-01T00:00:00Z")
    )
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    output = tmp_path / "triage.md"
    # WHEN triage runs with --output
    result = run_cli("triage", "--output", str(output))
    # THEN the Markdown goes to the file, is appended to the step summary, and stdout stays empty
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and f"{output}: 1 item(s)" in result.stderr
    text = output.read_text()
    assert "Crash" in text
    assert summary.read_text() == "earlier step\n" + text
