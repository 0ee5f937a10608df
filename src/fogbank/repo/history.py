"""Git history as changes: semantic titles, PR numbers from merge and squash commits, GitHub logins.

- ``Merge pull request #12 from ann/branch`` (with the PR title as the body's first line) is PR 12 by @ann.
- ``fix(tracer): x (#13)`` (a squash merge) is PR 13, by the author (login from a noreply e-mail).
- Other merge commits (``Merge branch 'x'``) carry no change of their own and are left out.

Example:
    >>> login_from_email("123+ann@users.noreply.github.com")
    'ann'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fogbank.repo.git import LogEntry
from fogbank.repo.titles import SemanticTitle, TitleError, parse_title

__all__ = ["HistoryEntry", "entries_from_log", "login_from_email"]

_MERGE_PR = re.compile(r"\AMerge pull request #(?P<number>\d+) from (?P<login>[^/\s]+)/")
_SQUASH = re.compile(r"\A(?P<title>.*\S) \(#(?P<number>\d+)\)\Z")
_NOREPLY = re.compile(r"\A(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com\Z")
_BREAKING_FOOTER = re.compile(r"^BREAKING[ -]CHANGE: (?P<note>.+)$", re.MULTILINE)


@dataclass(frozen=True)
class HistoryEntry:
    """One change in history: a direct commit, a squash merge or a PR merge commit."""

    sha: str
    title: str
    pr_number: int | None
    login: str | None
    author_name: str
    date: datetime
    semantic: SemanticTitle | None
    breaking: bool
    breaking_note: str | None

    @property
    def credit(self) -> str:
        """``@login`` when known, else the author's name."""
        return f"@{self.login}" if self.login else self.author_name


def login_from_email(email: str) -> str | None:
    """The GitHub login in a ``users.noreply`` e-mail, else None."""
    match = _NOREPLY.match(email)
    return match["login"] if match else None


def entries_from_log(log: Sequence[LogEntry]) -> list[HistoryEntry]:
    """Turn ``git log --first-parent`` entries into changes, in the same order."""
    entries = []
    for item in log:
        number: int | None = None
        login = login_from_email(item.author_email)
        title = item.subject
        merge = _MERGE_PR.match(item.subject)
        if merge:
            number, login = int(merge["number"]), merge["login"]
            title = next((line.strip() for line in item.body.splitlines() if line.strip()), item.subject)
        elif len(item.parents) > 1:
            continue
        else:
            squash = _SQUASH.match(item.subject)
            if squash:
                title, number = squash["title"], int(squash["number"])
        try:
            semantic: SemanticTitle | None = parse_title(title)
        except TitleError:
            semantic = None
        footer = _BREAKING_FOOTER.search(item.body)
        entries.append(
            HistoryEntry(
                sha=item.sha,
                title=title,
                pr_number=number,
                login=login,
                author_name=item.author_name,
                date=item.date,
                semantic=semantic,
                breaking=bool(semantic and semantic.breaking) or footer is not None,
                breaking_note=footer["note"].strip() if footer else None,
            )
        )
    return entries
