"""`issues triage` and `issues revisit`.

Example:
    >>> from fogbank.repo.config import RepoConfig
    >>> from fogbank.repo.github.fake import FakeGitHub
    >>> plan_triage(FakeGitHub(), RepoConfig())
    []
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from fogbank.repo.changes import Change, marker
from fogbank.repo.config import RepoConfig
from fogbank.repo.github.port import GitHubPort
from fogbank.repo.pulls import upsert_comment

__all__ = ["Overdue", "plan_revisit", "plan_triage"]


@dataclass(frozen=True)
class Overdue:
    """An issue that has carried a revisit label past its time."""

    number: int
    title: str
    label: str
    labelled_at: datetime
    days: int


def plan_triage(github: GitHubPort, config: RepoConfig, number: int | None = None) -> list[Change]:
    """Label ``triage`` on the given issue, or on every open issue without labels (PRs are not issues)."""
    label = config.issues.triage_label
    issues = github.list_issues(state="open")
    if number is not None:
        issues = [issue for issue in issues if issue.number == number]
    return [
        Change("add-labels", f"#{issue.number}", label, partial(_add, issue.number, label))
        for issue in issues
        if not issue.labels and not issue.is_pull
    ]


def plan_revisit(github: GitHubPort, config: RepoConfig, now: datetime) -> tuple[list[Overdue], list[Change]]:
    """Issues past their revisit time, and one comment each per labelling (never repeated)."""
    overdue: list[Overdue] = []
    changes: list[Change] = []
    for rule in config.issues.revisit:
        for issue in github.list_issues(label=rule.label, state="open"):
            labelled = [
                e.created_at
                for e in github.list_label_events(issue.number)
                if e.event == "labeled" and e.label == rule.label
            ]
            since = max(labelled) if labelled else issue.created_at
            days = (now - since).days
            if days <= rule.after_days:
                continue
            overdue.append(Overdue(issue.number, issue.title, rule.label, since, days))
            kind = f"revisit:{rule.label}:{since.date().isoformat()}"
            text = config.issues.revisit_comment.format(label=rule.label, days=rule.after_days)
            changes += upsert_comment(github, issue.number, marker(kind), text)
    return overdue, changes


def _add(number: int, label: str, github: GitHubPort) -> None:
    github.add_labels(number, [label])
