"""Payloads shaped like GitHub's documented REST responses and webhook bodies, and a CLI runner wired to
an in-memory FakeGitHub that stands in for GitHub's servers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

import fogbank.cli.repo as repo_cli
from fogbank.cli.main import app
from fogbank.repo.github.fake import FakeGitHub

# Hypothesis' per-example deadline is a timing assertion; on a shared 2-core machine it only adds flakes.
settings.register_profile("fogbank", deadline=None)
settings.load_profile("fogbank")


def user(login: str) -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 10_000, "type": "User", "site_admin": False}


def pull_payload(
    number: int,
    title: str,
    body: str = "",
    *,
    login: str = "ann",
    labels: tuple[str, ...] = (),
    merged_at: str | None = None,
    base: str = "main",
) -> dict[str, Any]:
    """GET /repos/{owner}/{repo}/pulls/{pull_number} (trimmed to the fields GitHub always sends)."""
    return {
        "url": f"https://api.github.com/repos/octo/repo/pulls/{number}",
        "id": 1_000 + number,
        "number": number,
        "state": "closed" if merged_at else "open",
        "locked": False,
        "title": title,
        "user": user(login),
        "body": body,
        "labels": [
            {"id": 1, "name": name, "color": "ededed", "default": False, "description": None}
            for name in labels
        ],
        "created_at": "2024-05-01T10:00:00Z",
        "updated_at": merged_at or "2024-05-01T10:00:00Z",
        "closed_at": merged_at,
        "merged_at": merged_at,
        "draft": False,
        "head": {"label": f"{login}:branch", "ref": "branch", "sha": "a" * 40},
        "base": {"label": f"octo:{base}", "ref": base, "sha": "b" * 40},
    }


def file_payload(filename: str, additions: int, deletions: int = 0) -> dict[str, Any]:
    """An item of GET /repos/{owner}/{repo}/pulls/{pull_number}/files."""
    return {
        "sha": "c" * 40,
        "filename": filename,
        "status": "modified",
        "additions": additions,
        "deletions": deletions,
        "changes": additions + deletions,
        "patch": "@@ -1 +1 @@",
    }


def issue_payload(
    number: int,
    title: str = "Something",
    *,
    labels: tuple[str, ...] = (),
    state: str = "open",
    created_at: str = "2024-01-01T00:00:00Z",
) -> dict[str, Any]:
    """GET /repos/{owner}/{repo}/issues/{issue_number}."""
    return {
        "id": 5_000 + number,
        "number": number,
        "title": title,
        "user": user("reporter"),
        "state": state,
        "labels": [
            {"id": 2, "name": name, "color": "ededed", "default": False, "description": ""} for name in labels
        ],
        "comments": 0,
        "created_at": created_at,
        "updated_at": created_at,
        "closed_at": None,
        "body": "details",
    }


def labeled_event(label: str, created_at: str, event: str = "labeled") -> dict[str, Any]:
    """An item of GET /repos/{owner}/{repo}/issues/{issue_number}/events."""
    return {
        "id": 9,
        "event": event,
        "actor": user("maintainer"),
        "created_at": created_at,
        "label": {"name": label, "color": "ededed"},
    }


def comment(comment_id: int, body: str, association: str = "NONE", login: str = "someone") -> dict[str, Any]:
    """An item of GET /repos/{owner}/{repo}/issues/{issue_number}/comments."""
    return {
        "id": comment_id,
        "body": body,
        "user": {"login": login, "id": 1, "type": "User"},
        "author_association": association,
        "created_at": "2024-05-21T00:00:00Z",
        "updated_at": "2024-05-21T00:00:00Z",
    }


def review(login: str, state: str) -> dict[str, Any]:
    """An item of GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews."""
    return {
        "id": 77,
        "user": {"login": login, "id": 2, "type": "User"},
        "body": "",
        "state": state,
        "author_association": "MEMBER",
        "submitted_at": "2024-05-02T00:00:00Z",
    }


@pytest.fixture
def github() -> FakeGitHub:
    """Stands in for GitHub: an in-memory repository."""
    return FakeGitHub()


@pytest.fixture
def github_with(github: FakeGitHub) -> Callable[[Any], FakeGitHub]:
    """Give the fake a GraphQL server (tests pass one that executes GitHub's published schema)."""

    def attach(server: Any) -> FakeGitHub:
        github._graphql_server = server
        return github

    return attach


@pytest.fixture
def run_cli(github: FakeGitHub, monkeypatch, tmp_path) -> Callable[..., Any]:
    """Run `fogbank repo ...` against the fake (it stands in for GitHub), from an empty checkout."""
    monkeypatch.setattr(repo_cli, "open_github", lambda repository: github)
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo/repo")
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)

    def run(*args: str, event: dict[str, Any] | None = None) -> Any:
        if event is not None:
            path = tmp_path / "event.json"
            path.write_text(json.dumps(event))
            monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
        return CliRunner().invoke(app, ["repo", *args, "--root", str(tmp_path)])

    return run


@pytest.fixture
def payloads():
    class Payloads:
        pull = staticmethod(pull_payload)
        file = staticmethod(file_payload)
        issue = staticmethod(issue_payload)
        labeled = staticmethod(labeled_event)
        comment = staticmethod(comment)
        review = staticmethod(review)

    return Payloads
