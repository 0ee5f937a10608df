"""GitHub behind fogbank's own small interface: the Protocol, the githubkit client, and a fake.

Example:
    >>> from fogbank.repo.github import FakeGitHub, GitHubPort
    >>> isinstance(FakeGitHub(), GitHubPort)
    True
"""

from __future__ import annotations

from fogbank.repo.github.fake import FakeGitHub
from fogbank.repo.github.models import Comment, Issue, Label, LabelEvent, PullRequest
from fogbank.repo.github.port import GitHubPort

__all__ = ["Comment", "FakeGitHub", "GitHubPort", "Issue", "Label", "LabelEvent", "PullRequest"]
