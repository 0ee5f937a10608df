"""githubkit's typed REST models -> fogbank's small GitHub objects.

`GitHubClient` calls GitHub's REST API only through githubkit's typed methods (`gh.rest.issues...`), whose
responses githubkit validates against GitHub's OpenAPI description; this module turns those models into the
few fields fogbank reads.

Example:
    >>> from githubkit_schemas.latest.models import Label as LabelModel
    >>> payload = {"id": 1, "node_id": "L1", "url": "https://x/labels/bug", "name": "bug", "description": None,
    ...            "color": "d73a4a", "default": True, "archived_at": None, "archived_by": None}
    >>> label_of(LabelModel.model_validate(payload))
    Label(name='bug', color='d73a4a', description='')
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from githubkit.utils import Unset

from fogbank.repo.git import FileChange
from fogbank.repo.github.models import Comment, Issue, Label, LabelEvent, PullRequest, Review

__all__ = [
    "comment_of",
    "file_change_of",
    "issue_of",
    "label_event_of",
    "label_of",
    "pull_of",
    "review_of",
]


def _set(value: Any, default: Any = None) -> Any:
    """githubkit marks absent fields UNSET; fogbank reads them as `default`."""
    return default if isinstance(value, Unset) or value is None else value


def _login(user: Any) -> str:
    return str(_set(getattr(user, "login", None), "ghost")) if user is not None else "ghost"


def _label_names(labels: Any) -> tuple[str, ...]:
    names = (label if isinstance(label, str) else _set(getattr(label, "name", None), "") for label in labels)
    return tuple(name for name in names if name)


def label_of(model: Any) -> Label:
    """From `Label`."""
    return Label(name=model.name, color=model.color, description=_set(model.description, ""))


def pull_of(model: Any) -> PullRequest:
    """From `PullRequest` (get) or `PullRequestSimple` (list)."""
    return PullRequest(
        number=model.number,
        title=model.title,
        body=_set(model.body, ""),
        author=_login(model.user),
        labels=_label_names(model.labels),
        state=str(model.state),
        merged_at=_set(model.merged_at),
        base_ref=model.base.ref,
    )


def file_change_of(model: Any) -> FileChange:
    """From `DiffEntry`."""
    return FileChange(path=model.filename, additions=model.additions, deletions=model.deletions)


def issue_of(model: Any) -> Issue:
    """From `Issue` (PRs appear too, with `pull_request` set)."""
    return Issue(
        number=model.number,
        title=model.title,
        author=_login(model.user),
        labels=_label_names(model.labels),
        state=str(model.state),
        created_at=model.created_at,
        is_pull=not isinstance(model.pull_request, Unset) and model.pull_request is not None,
        updated_at=_set(model.updated_at),
        author_association=str(_set(model.author_association, "NONE")),
        draft=bool(_set(model.draft, False)),
    )


def comment_of(model: Any) -> Comment:
    """From `IssueComment`."""
    return Comment(
        id=model.id,
        body=_set(model.body, ""),
        author=_login(model.user),
        author_association=str(_set(model.author_association, "NONE")),
        created_at=_set(model.created_at),
    )


def review_of(model: Any) -> Review:
    """From `PullRequestReview`."""
    return Review(author=_login(model.user), state=model.state, submitted_at=_set(model.submitted_at))


def label_event_of(model: Any) -> LabelEvent | None:
    """From an issue event; None unless it is `labeled` or `unlabeled`."""
    if getattr(model, "event", None) not in ("labeled", "unlabeled"):
        return None
    created = model.created_at
    when = (
        created
        if isinstance(created, datetime)
        else datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    )
    return LabelEvent(event=model.event, label=model.label.name, created_at=when)
