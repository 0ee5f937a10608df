"""FakeGitHub, the stand-in for GitHub's servers in tests: it answers and fails as GitHub's REST API does."""

from __future__ import annotations

import pytest

from fogbank.errors import RepoError
from fogbank.repo.github.fake import FakeGitHub
from fogbank.repo.github.models import Label


def test_writes_change_state_and_are_recorded_in_order() -> None:
    # GIVEN an issue (as GET /issues/{n} returns it)
    github = FakeGitHub()
    github.add_issue_payload(
        {
            "number": 3,
            "title": "t",
            "user": {"login": "ann"},
            "labels": [],
            "state": "open",
            "created_at": "2024-01-01T00:00:00Z",
        }
    )
    # WHEN it is labelled twice with an overlapping label, commented and closed
    github.add_labels(3, ["bug", "triage"])
    github.add_labels(3, ["bug"])
    github.create_comment(3, "hello")
    github.close_issue(3)
    # THEN the label is held once, the comment and state are readable, and each write is recorded
    (issue,) = github.list_issues(state="all")
    assert issue.labels == ("bug", "triage") and issue.state == "closed"
    assert [comment.body for comment in github.list_comments(3)] == ["hello"]
    assert github.writes == [
        "add_labels #3 bug,triage",
        "add_labels #3 bug",
        "create_comment #3",
        "close_issue #3",
    ]
    assert github.list_issues() == []  # the default lists open issues only


def test_it_fails_where_github_fails() -> None:
    # GIVEN an empty repository with one label
    github = FakeGitHub()
    github.create_label(Label("bug", "d73a4a", ""))
    # WHEN calls GitHub refuses are made THEN each raises a RepoError naming the call and GitHub's status
    with pytest.raises(RepoError, match=r"create label bug.*422 already_exists"):
        github.create_label(Label("bug", "ffffff", ""))
    with pytest.raises(RepoError, match=r"get pull #9.*404"):
        github.get_pull(9)
    with pytest.raises(RepoError, match=r"get issue #9.*404"):
        github.add_labels(9, ["bug"])
    with pytest.raises(RepoError, match=r"update comment 1.*404"):
        github.update_comment(1, "x")
    with pytest.raises(RepoError, match="no GraphQL server"):
        github.graphql("{ viewer { login } }", {})
    assert github.writes == ["create_label bug"]


def test_removing_a_label_the_issue_does_not_carry_is_githubs_404() -> None:
    # GIVEN an issue labelled bug
    github = FakeGitHub()
    github.add_issue_payload(
        {
            "number": 1,
            "title": "t",
            "user": {"login": "ann"},
            "labels": [{"name": "bug"}],
            "state": "open",
            "created_at": "2024-01-01T00:00:00Z",
        }
    )
    # WHEN another label is removed THEN GitHub's "Label does not exist" is raised, and bug can be removed
    with pytest.raises(RepoError, match="404 Label does not exist"):
        github.remove_label(1, "triage")
    github.remove_label(1, "bug")
    assert github.list_issues()[0].labels == ()
