"""The few GitHub objects fogbank reads, parsed from REST payloads (the same shapes as the docs show).

Example:
    >>> Label.from_payload({"name": "bug", "color": "d73a4a", "description": None}).description
    ''
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fogbank.repo.git import FileChange

__all__ = [
    "Comment",
    "Issue",
    "Label",
    "LabelEvent",
    "PullRequest",
    "Review",
    "file_change_from_payload",
    "parse_time",
]


def parse_time(value: str | None) -> datetime | None:
    """GitHub's ISO 8601 timestamps (``2024-01-02T03:04:05Z``)."""
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Label:
    """A repository label."""

    name: str
    color: str
    description: str

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Label:
        """From a ``GET /repos/{owner}/{repo}/labels`` item."""
        return cls(name=payload["name"], color=payload["color"], description=payload.get("description") or "")


@dataclass(frozen=True)
class PullRequest:
    """A pull request's current state."""

    number: int
    title: str
    body: str
    author: str
    labels: tuple[str, ...]
    state: str
    merged_at: datetime | None
    base_ref: str

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> PullRequest:
        """From a ``GET /repos/{owner}/{repo}/pulls/{n}`` response or a list item."""
        return cls(
            number=payload["number"],
            title=payload["title"],
            body=payload.get("body") or "",
            author=payload["user"]["login"],
            labels=tuple(label["name"] for label in payload.get("labels", [])),
            state=payload["state"],
            merged_at=parse_time(payload.get("merged_at")),
            base_ref=payload["base"]["ref"],
        )


@dataclass(frozen=True)
class Issue:
    """An issue (or, when ``is_pull`` is set, a PR seen through the issues API)."""

    number: int
    title: str
    author: str
    labels: tuple[str, ...]
    state: str
    created_at: datetime
    is_pull: bool
    updated_at: datetime | None = None
    author_association: str = "NONE"
    draft: bool = False

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Issue:
        """From a ``GET /repos/{owner}/{repo}/issues`` item."""
        created = parse_time(payload["created_at"])
        assert created is not None
        return cls(
            number=payload["number"],
            title=payload["title"],
            author=payload["user"]["login"],
            labels=tuple(label["name"] for label in payload.get("labels", [])),
            state=payload["state"],
            created_at=created,
            is_pull="pull_request" in payload,
            updated_at=parse_time(payload.get("updated_at")),
            author_association=payload.get("author_association") or "NONE",
            draft=bool(payload.get("draft", False)),
        )


@dataclass(frozen=True)
class Comment:
    """An issue or PR comment."""

    id: int
    body: str
    author: str
    author_association: str = "NONE"
    created_at: datetime | None = None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Comment:
        """From a ``GET /repos/{owner}/{repo}/issues/{n}/comments`` item."""
        return cls(
            id=payload["id"],
            body=payload.get("body") or "",
            author=payload["user"]["login"],
            author_association=payload.get("author_association") or "NONE",
            created_at=parse_time(payload.get("created_at")),
        )


@dataclass(frozen=True)
class Review:
    """A pull request review."""

    author: str
    state: str
    submitted_at: datetime | None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Review:
        """From a ``GET /repos/{owner}/{repo}/pulls/{n}/reviews`` item."""
        user = payload.get("user") or {}
        return cls(
            author=user.get("login", "ghost"),
            state=payload["state"],
            submitted_at=parse_time(payload.get("submitted_at")),
        )


@dataclass(frozen=True)
class LabelEvent:
    """A ``labeled``/``unlabeled`` issue event."""

    event: str
    label: str
    created_at: datetime

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> LabelEvent | None:
        """From a ``GET /repos/{owner}/{repo}/issues/{n}/events`` item; None for other event kinds."""
        if payload.get("event") not in ("labeled", "unlabeled"):
            return None
        created = parse_time(payload["created_at"])
        assert created is not None
        return cls(event=payload["event"], label=payload["label"]["name"], created_at=created)


def file_change_from_payload(payload: dict[str, Any]) -> FileChange:
    """From a ``GET /repos/{owner}/{repo}/pulls/{n}/files`` item."""
    return FileChange(
        path=payload["filename"], additions=payload["additions"], deletions=payload["deletions"]
    )
