"""`fogbank repo board sync` against an in-memory GitHub that executes GitHub's own GraphQL schema
(it stands in for GitHub's servers)."""

from __future__ import annotations

import pytest

from fogbank.errors import RepoError
from fogbank.repo.board import desired_status, plan_board_sync
from fogbank.repo.config import BoardRules, BoardStatusRule
from fogbank.repo.github.fake import FakeGitHub
from fogbank.repo.github.projects import WorkItem
from github_graphql import GitHubGraphQL

STATUSES = ["Triage", "Backlog", "Pending review", "Coming soon", "Shipped"]


@pytest.fixture
def server() -> GitHubGraphQL:
    return GitHubGraphQL("octo/repo")


def _config(tmp_path, text: str = "board: {number: 3}\n") -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".github").mkdir(exist_ok=True)
    (tmp_path / ".github" / "fogbank.yml").write_text(text)


def test_rules_first_match_wins_then_default() -> None:
    # GIVEN the default rules
    rules = BoardRules()
    work = WorkItem("I_1", "octo/repo", 1, "t", "issue", "open", ("triage", "pending-release"))
    # WHEN statuses are computed / THEN order decides, state beats labels, and the default applies
    assert desired_status(work, rules) == "Coming soon"
    assert (
        desired_status(WorkItem("I_2", "octo/repo", 2, "t", "issue", "closed", ("triage",)), rules)
        == "Shipped"
    )
    assert (
        desired_status(WorkItem("P_3", "octo/repo", 3, "t", "pull_request", "open", ()), rules)
        == "Pending review"
    )
    assert desired_status(WorkItem("I_4", "octo/repo", 4, "t", "issue", "open", ()), rules) == "Backlog"


def test_a_rule_needs_a_condition() -> None:
    with pytest.raises(ValueError, match="has no condition"):
        BoardStatusRule(status="Triage")


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


def test_a_status_missing_on_the_board_is_a_clear_error(server: GitHubGraphQL) -> None:
    # GIVEN a board without the "Coming soon" option
    server.add_project(
        "organization", "octo", 3, "Roadmap", ["Triage", "Backlog", "Pending review", "Shipped"]
    )
    github = FakeGitHub(graphql_server=server)
    # WHEN sync is planned / THEN the error names the option and the board
    with pytest.raises(RepoError, match="'Roadmap' has no status option 'Coming soon'"):
        plan_board_sync(github, BoardRules(number=3), "octo/repo")


def test_a_missing_board_names_owner_and_number(server: GitHubGraphQL) -> None:
    github = FakeGitHub(graphql_server=server)
    with pytest.raises(RepoError, match="no project 9 for user ann"):
        plan_board_sync(github, BoardRules(number=9, owner="ann", owner_type="user"), "octo/repo")


def test_items_of_other_pages_are_read(server: GitHubGraphQL) -> None:
    # GIVEN 120 open issues (two pages of 100) and an empty board
    server.add_project("organization", "octo", 3, "Roadmap", STATUSES)
    for number in range(1, 121):
        server.add_work("Issue", number, f"issue {number}")
    # WHEN sync is planned / THEN every issue is added once
    plan = plan_board_sync(FakeGitHub(graphql_server=server), BoardRules(number=3), "octo/repo")
    assert [change.target for change in plan.changes] == [f"#{n}" for n in range(1, 121)]
