"""`release publish-notify`: every issue labelled pending-release gets one comment, is closed, and loses the
label. A hidden marker per version makes re-running safe: nothing happens twice.

Example:
    >>> from fogbank.repo.config import RepoConfig
    >>> from fogbank.repo.github.fake import FakeGitHub
    >>> plan_publish_notify(FakeGitHub(), RepoConfig(), "v1.0.0", "octo/repo")
    []
"""

from __future__ import annotations

from functools import partial

from fogbank.repo.changes import Change, marker
from fogbank.repo.config import RepoConfig
from fogbank.repo.github.port import GitHubPort

__all__ = ["plan_publish_notify"]


def plan_publish_notify(
    github: GitHubPort, config: RepoConfig, version: str, repository: str
) -> list[Change]:
    """The comments, closes and label removals that announce ``version``."""
    rules = config.issues
    label = rules.pending_release_label
    url = rules.release_url.format(repository=repository, version=version)
    text = rules.release_comment.format(version=version, url=url)
    comment_marker = marker(f"released:{version}")
    changes: list[Change] = []
    for issue in github.list_issues(label=label, state="all"):
        target = f"#{issue.number}"
        if not any(comment_marker in comment.body for comment in github.list_comments(issue.number)):
            body = f"{comment_marker}\n{text}"
            changes.append(Change("create-comment", target, text, partial(_comment, issue.number, body)))
        if issue.state == "open" and not issue.is_pull:
            changes.append(
                Change("close-issue", target, f"released in {version}", partial(_close, issue.number))
            )
        changes.append(Change("remove-label", target, label, partial(_unlabel, issue.number, label)))
    return changes


def _comment(number: int, body: str, github: GitHubPort) -> None:
    github.create_comment(number, body)


def _close(number: int, github: GitHubPort) -> None:
    github.close_issue(number)


def _unlabel(number: int, label: str, github: GitHubPort) -> None:
    github.remove_label(number, label)
