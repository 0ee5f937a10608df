"""Connecting to GitHub from the Actions environment (no call to GitHub is made here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogbank.errors import RepoError
from fogbank.repo.github.client import GitHubClient
from fogbank.repo.github.connect import connect, event_payload, number_from_event, repository_name


def test_the_repository_is_the_explicit_one_else_githubs() -> None:
    # GIVEN GITHUB_REPOSITORY / WHEN named with and without --repo THEN --repo wins
    env = {"GITHUB_REPOSITORY": "octo/repo"}
    assert repository_name("me/fork", env) == "me/fork"
    assert repository_name(None, env) == "octo/repo"
    # AND with neither, the error says how to give one
    with pytest.raises(RepoError, match="pass --repo owner/name or set GITHUB_REPOSITORY"):
        repository_name(None, {})


def test_connecting_needs_a_token_and_says_how_to_give_one_in_actions() -> None:
    # GIVEN no GITHUB_TOKEN / WHEN connecting THEN the error shows the Actions line to add
    with pytest.raises(RepoError, match=r"GITHUB_TOKEN is not set.*secrets\.GITHUB_TOKEN"):
        connect("octo/repo", {})
    # AND with a token a client is built (nothing is sent until a call is made)
    assert isinstance(connect("octo/repo", {"GITHUB_TOKEN": "t"}), GitHubClient)


def test_the_number_comes_from_the_event_of_its_kind(tmp_path: Path) -> None:
    # GIVEN a pull_request event written by Actions
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"action": "opened", "pull_request": {"number": 42}}))
    env = {"GITHUB_EVENT_PATH": str(path)}
    # WHEN the numbers are read
    # THEN the PR's is found, and asking for an issue says neither was given
    assert number_from_event(env, "pull_request") == 42
    with pytest.raises(RepoError, match="no issue number: pass it explicitly, or run on a issue event"):
        number_from_event(env, "issue")


def test_no_event_and_an_unreadable_event_are_told_apart(tmp_path: Path) -> None:
    # GIVEN no GITHUB_EVENT_PATH, a path to a broken file, and a JSON list
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    listed = tmp_path / "list.json"
    listed.write_text("[1]")
    # WHEN read
    # THEN no event is None, a broken one is an error naming the path, a non-object is no payload
    assert event_payload({}) is None
    with pytest.raises(RepoError, match=f"cannot read the event payload GITHUB_EVENT_PATH={broken}"):
        event_payload({"GITHUB_EVENT_PATH": str(broken)})
    assert event_payload({"GITHUB_EVENT_PATH": str(listed)}) is None
    with pytest.raises(RepoError, match="no pull_request number"):
        number_from_event({}, "pull_request")
