"""GitHub Projects (v2) over GraphQL. GitHubGraphQL (tests/github_graphql.py) stands in for GitHub's
servers: it executes GitHub's published schema, so every document sent is also validated."""

from __future__ import annotations

import pytest

from fogbank.errors import RepoError
from fogbank.repo.github.projects import ProjectsApi, WorkItem
from github_graphql import GitHubGraphQL

STATUSES = ["Triage", "Backlog", "Shipped"]


@pytest.fixture
def server() -> GitHubGraphQL:
    return GitHubGraphQL("octo/repo")


def test_a_board_is_read_with_its_status_options(server: GitHubGraphQL) -> None:
    # GIVEN a user's project with three status options
    project = server.add_project("user", "ann", 2, "Personal", STATUSES)
    # WHEN it is read
    board = ProjectsApi(server).board(owner="ann", owner_type="user", number=2, status_field="Status")
    # THEN its id, title, field and each option's id are known
    assert (board.id, board.title, board.status_field_id) == (project.id, "Personal", project.field_id)
    assert board.options == project.options


def test_a_missing_board_or_status_field_names_the_setting_to_fix(server: GitHubGraphQL) -> None:
    # GIVEN an organization project
    server.add_project("organization", "octo", 3, "Roadmap", STATUSES)
    api = ProjectsApi(server)
    # WHEN another number, or a field it does not have, is asked for
    # THEN each error names the owner, the number or the field, and the config key
    with pytest.raises(RepoError, match=r"no project 4 for organization octo .*board\.number"):
        api.board(owner="octo", owner_type="organization", number=4, status_field="Status")
    with pytest.raises(RepoError, match=r"project 3 \(Roadmap\) has no single-select field named 'Phase'"):
        api.board(owner="octo", owner_type="organization", number=3, status_field="Phase")


def test_items_and_open_work_are_read_with_kind_state_labels_and_status(server: GitHubGraphQL) -> None:
    # GIVEN a board holding a closed issue marked Shipped, and open work of both kinds
    project = server.add_project("organization", "octo", 3, "Roadmap", STATUSES)
    closed = server.add_work("Issue", 1, "Old", state="CLOSED", labels=("bug",))
    server.put_on_board(project, closed, "Shipped")
    server.add_work("Issue", 2, "New", labels=("triage",))
    server.add_work("PullRequest", 3, "feat: x")
    api = ProjectsApi(server)
    board = api.board(owner="octo", owner_type="organization", number=3, status_field="Status")
    # WHEN the board's items and the repository's open work are read
    (item,) = api.items(board, "Status")
    work = api.open_work("octo", "repo")
    # THEN each carries what the status rules need
    assert item.status == "Shipped"
    assert item.work == WorkItem(closed, "octo/repo", 1, "Old", "issue", "closed", ("bug",))
    assert [(w.number, w.kind, w.state, w.labels) for w in work] == [
        (2, "issue", "open", ("triage",)),
        (3, "pull_request", "open", ()),
    ]


def test_an_added_item_gets_its_status_and_an_unknown_status_is_refused(server: GitHubGraphQL) -> None:
    # GIVEN a board and an issue not on it
    project = server.add_project("organization", "octo", 3, "Roadmap", STATUSES)
    issue = server.add_work("Issue", 5, "Bug")
    api = ProjectsApi(server)
    board = api.board(owner="octo", owner_type="organization", number=3, status_field="Status")
    # WHEN it is added and given a status
    item_id = api.add_item(board, issue)
    api.set_status(board, item_id, "Backlog")
    # THEN the board shows it with that status
    assert server.status_of(project, issue) == "Backlog"
    # AND a status the board lacks is refused before any call, listing the ones it has
    calls = len(server.requests)
    with pytest.raises(RepoError, match=r"has no status 'Done' \(it has Backlog, Shipped, Triage\)"):
        api.set_status(board, item_id, "Done")
    assert len(server.requests) == calls
