"""An in-memory GitHub repository that stands in for GitHub's servers in tests.

It is fed with payloads shaped like GitHub's REST responses and webhook bodies, and records every write.

Example:
    >>> github = FakeGitHub()
    >>> github.create_label(Label("bug", "d73a4a", "Something is wrong"))
    >>> [label.name for label in github.list_labels()], github.writes
    (['bug'], ['create_label bug'])
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from fogbank.errors import RepoError
from fogbank.repo.git import FileChange
from fogbank.repo.github.models import (
    Comment,
    Issue,
    Label,
    LabelEvent,
    PullRequest,
    Review,
    file_change_from_payload,
)

__all__ = ["FakeGitHub"]


class FakeGitHub:
    """Stands in for one GitHub repository. ``writes`` lists each mutating call in order."""

    def __init__(
        self,
        *,
        now: datetime | None = None,
        graphql_server: Callable[[str, Mapping[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        self.labels: dict[str, Label] = {}
        self.pulls: dict[int, dict[str, Any]] = {}
        self.pull_files: dict[int, list[dict[str, Any]]] = {}
        self.reviews: dict[int, list[dict[str, Any]]] = {}
        self.closing_refs: dict[int, list[int]] = {}
        self.issues: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.events: dict[int, list[dict[str, Any]]] = {}
        self.refs: dict[str, datetime] = {}
        self.files: dict[tuple[str, str], str] = {}
        self.writes: list[str] = []
        self.now = now or datetime(2024, 6, 1, tzinfo=UTC)
        self._ids = itertools.count(1000)
        self._graphql_server = graphql_server

    # feeding ---------------------------------------------------------------------------------------------
    def add_label_payload(self, payload: dict[str, Any]) -> None:
        """Add a ``GET /labels`` item."""
        label = Label.from_payload(payload)
        self.labels[label.name] = label

    def add_pull_payload(
        self,
        payload: dict[str, Any],
        files: list[dict[str, Any]] | None = None,
        closes: list[int] | None = None,
    ) -> None:
        """Add a ``GET /pulls/{n}`` response, its ``/files`` items and its closing issue numbers."""
        number = payload["number"]
        self.pulls[number] = copy.deepcopy(payload)
        self.pull_files[number] = copy.deepcopy(files or [])
        self.closing_refs[number] = list(closes or [])
        keys = (
            "number",
            "title",
            "user",
            "labels",
            "state",
            "created_at",
            "updated_at",
            "author_association",
            "draft",
        )
        issue = {k: payload[k] for k in keys if k in payload}
        self.issues[number] = {**copy.deepcopy(issue), "pull_request": {"url": payload.get("url", "")}}

    def add_issue_payload(
        self,
        payload: dict[str, Any],
        events: list[dict[str, Any]] | None = None,
        comments: list[dict[str, Any]] | None = None,
    ) -> None:
        """Add a ``GET /issues/{n}`` response with its ``/events`` and ``/comments`` items."""
        self.issues[payload["number"]] = copy.deepcopy(payload)
        self.events[payload["number"]] = copy.deepcopy(events or [])
        self.comments[payload["number"]] = copy.deepcopy(comments or [])

    # reads -----------------------------------------------------------------------------------------------
    def list_labels(self) -> list[Label]:
        return list(self.labels.values())

    def get_pull(self, number: int) -> PullRequest:
        payload = self._pull(number)
        labels = self.issues[number]["labels"]
        return PullRequest.from_payload({**payload, "labels": labels})

    def list_pull_files(self, number: int) -> list[FileChange]:
        self._pull(number)
        return [file_change_from_payload(item) for item in self.pull_files[number]]

    def list_reviews(self, number: int) -> list[Review]:
        self._pull(number)
        return [Review.from_payload(item) for item in self.reviews.get(number, [])]

    def closing_issue_numbers(self, pull_number: int) -> list[int]:
        self._pull(pull_number)
        return list(self.closing_refs[pull_number])

    def list_merged_pulls(self, base: str | None, merged_after: datetime | None) -> list[PullRequest]:
        pulls = [self.get_pull(number) for number in sorted(self.pulls)]
        return [
            pull
            for pull in pulls
            if pull.merged_at is not None
            and (base is None or pull.base_ref == base)
            and (merged_after is None or pull.merged_at > merged_after)
        ]

    def list_issues(self, *, label: str | None = None, state: str = "open") -> list[Issue]:
        issues = [Issue.from_payload(self.issues[number]) for number in sorted(self.issues)]
        return [
            issue
            for issue in issues
            if (state == "all" or issue.state == state) and (label is None or label in issue.labels)
        ]

    def list_comments(self, number: int) -> list[Comment]:
        self._issue(number)
        return [Comment.from_payload(item) for item in self.comments.get(number, [])]

    def list_label_events(self, number: int) -> list[LabelEvent]:
        self._issue(number)
        parsed = (LabelEvent.from_payload(item) for item in self.events.get(number, []))
        return [event for event in parsed if event is not None]

    def ref_date(self, ref: str) -> datetime:
        if ref not in self.refs:
            raise RepoError(f"GitHub call `get commit {ref}` failed: 404 Not Found")
        return self.refs[ref]

    def read_file(self, ref: str, path: str) -> str | None:
        return self.files.get((ref, path))

    def graphql(self, document: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        """Answered by the `graphql_server` given (tests execute GitHub's published schema there)."""
        if self._graphql_server is None:
            raise RepoError("this FakeGitHub has no GraphQL server; pass graphql_server= to answer GraphQL")
        return self._graphql_server(document, variables)

    # writes ----------------------------------------------------------------------------------------------
    def create_label(self, label: Label) -> None:
        if label.name in self.labels:
            raise RepoError(f"GitHub call `create label {label.name}` failed: 422 already_exists")
        self.labels[label.name] = label
        self.writes.append(f"create_label {label.name}")

    def update_label(self, name: str, label: Label) -> None:
        if name not in self.labels:
            raise RepoError(f"GitHub call `update label {name}` failed: 404 Not Found")
        del self.labels[name]
        self.labels[label.name] = label
        self.writes.append(f"update_label {name}")

    def delete_label(self, name: str) -> None:
        if self.labels.pop(name, None) is None:
            raise RepoError(f"GitHub call `delete label {name}` failed: 404 Not Found")
        self.writes.append(f"delete_label {name}")

    def add_labels(self, number: int, labels: list[str]) -> None:
        issue = self._issue(number)
        names = [label["name"] for label in issue["labels"]]
        for name in labels:
            if name not in names:
                issue["labels"].append({"name": name})
                names.append(name)
        self.writes.append(f"add_labels #{number} {','.join(labels)}")

    def remove_label(self, number: int, label: str) -> None:
        issue = self._issue(number)
        before = len(issue["labels"])
        issue["labels"] = [item for item in issue["labels"] if item["name"] != label]
        if len(issue["labels"]) == before:
            raise RepoError(
                f"GitHub call `remove label {label} from #{number}` failed: 404 Label does not exist"
            )
        self.writes.append(f"remove_label #{number} {label}")

    def create_comment(self, number: int, body: str) -> None:
        self._issue(number)
        item = {"id": next(self._ids), "body": body, "user": {"login": "github-actions[bot]"}}
        self.comments.setdefault(number, []).append(item)
        self.writes.append(f"create_comment #{number}")

    def update_comment(self, comment_id: int, body: str) -> None:
        for items in self.comments.values():
            for item in items:
                if item["id"] == comment_id:
                    item["body"] = body
                    self.writes.append(f"update_comment {comment_id}")
                    return
        raise RepoError(f"GitHub call `update comment {comment_id}` failed: 404 Not Found")

    def close_issue(self, number: int) -> None:
        self._issue(number)["state"] = "closed"
        self.writes.append(f"close_issue #{number}")

    # helpers ---------------------------------------------------------------------------------------------
    def _pull(self, number: int) -> dict[str, Any]:
        if number not in self.pulls:
            raise RepoError(f"GitHub call `get pull #{number}` failed: 404 Not Found")
        return self.pulls[number]

    def _issue(self, number: int) -> dict[str, Any]:
        if number not in self.issues:
            raise RepoError(f"GitHub call `get issue #{number}` failed: 404 Not Found")
        return self.issues[number]
