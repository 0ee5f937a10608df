"""Planned changes to GitHub: computed first, then printed (``--dry-run``) or applied, one line each.

Each line is tab-separated ``action<TAB>target<TAB>detail`` so scripts can parse it.

Example:
    >>> from fogbank.repo.github.fake import FakeGitHub
    >>> change = Change("close-issue", "#7", "released in v1.0.0", lambda github: github.close_issue(7))
    >>> change.describe()
    'close-issue\\t#7\\treleased in v1.0.0'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fogbank.repo.github.port import GitHubPort

__all__ = ["Change", "apply_changes", "describe_changes"]

COMMENT_MARKER = "<!-- fogbank:{kind} -->"


@dataclass(frozen=True)
class Change:
    """One write to GitHub."""

    action: str
    target: str
    detail: str
    apply: Callable[[GitHubPort], None] = field(compare=False, repr=False)

    def describe(self) -> str:
        """``action<TAB>target<TAB>detail`` on one line."""
        detail = self.detail.replace("\n", "\\n").replace("\t", " ")
        return f"{self.action}\t{self.target}\t{detail}"


def describe_changes(changes: Sequence[Change]) -> list[str]:
    """One line per change, in the order they would be applied."""
    return [change.describe() for change in changes]


def apply_changes(changes: Sequence[Change], github: GitHubPort) -> None:
    """Apply ``changes`` in order; the first failure raises (a RepoError naming the call)."""
    for change in changes:
        change.apply(github)


def marker(kind: str) -> str:
    """The hidden HTML comment that identifies fogbank's comment of one ``kind``."""
    return COMMENT_MARKER.format(kind=kind)
