"""Board sync planning (`fogbank repo board sync`) against an in-memory GitHub that executes GitHub's own GraphQL schema
(it stands in for GitHub's servers)."""

from __future__ import annotations

import pytest

from fogbank.errors import RepoError
from fogbank.repo.board import desired_status, plan_board_sync
from fogbank.repo.config import BoardRules
from fogbank.repo.github.fake import FakeGitHub
from fogbank.repo.github.projects import WorkItem
from github_graphql import GitHubGraphQL

STATUSES = ["Triage", "Backlog", "Pending review", "Coming soon", "Shipped"]


@pytest.fixture
def server() -> GitHubGraphQL:
    return GitHubGraphQL("octo/repo")


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
