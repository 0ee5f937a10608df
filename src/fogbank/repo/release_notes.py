"""Release notes: a summary placeholder, entries grouped by category in config order, then contributors.

Example:
    >>> from fogbank.repo.config import RepoConfig
    >>> notes = render_notes([NoteEntry("feat: x", 3, "abc1234", "@ann", frozenset({"feature"}))], RepoConfig())
    >>> "- feat: x (#3) by @ann" in notes
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fogbank.repo.config import RepoConfig
from fogbank.repo.github.models import PullRequest
from fogbank.repo.history import HistoryEntry

__all__ = ["NoteEntry", "entries_from_history", "entries_from_pulls", "render_notes"]


@dataclass(frozen=True)
class NoteEntry:
    """One line of the notes: ``title (#N) by @author``."""

    title: str
    number: int | None
    sha: str | None
    credit: str
    labels: frozenset[str]

    def render(self) -> str:
        """The Markdown list item."""
        reference = f"#{self.number}" if self.number is not None else (self.sha or "")[:7]
        return f"- {self.title} ({reference}) by {self.credit}"


def entries_from_pulls(pulls: Sequence[PullRequest]) -> list[NoteEntry]:
    """Online: one entry per merged PR, labelled as it is on GitHub."""
    return [
        NoteEntry(title=p.title, number=p.number, sha=None, credit=f"@{p.author}", labels=frozenset(p.labels))
        for p in sorted(pulls, key=lambda pull: pull.number)
    ]


def entries_from_history(history: Sequence[HistoryEntry], config: RepoConfig) -> list[NoteEntry]:
    """Offline: labels come from the semantic type (and breaking marker) as `pr label` would give them."""
    skips = [re.compile(pattern) for pattern in config.changelog.skip_patterns]
    entries = []
    for item in reversed(history):
        if any(skip.search(item.title) for skip in skips):
            continue
        labels: set[str] = set()
        if item.semantic is not None and item.semantic.type in config.types:
            label = config.types[item.semantic.type].label
            if label:
                labels.add(label)
        if item.breaking:
            labels.add(config.breaking_label)
        entries.append(NoteEntry(item.title, item.pr_number, item.sha, item.credit, frozenset(labels)))
    return entries


def render_notes(entries: Sequence[NoteEntry], config: RepoConfig, version: str | None = None) -> str:
    """Markdown release notes; a PR lands in its first matching category unless multiple are allowed."""
    rules = config.release_notes
    excluded = set(rules.exclude_labels)
    groups: dict[str, list[NoteEntry]] = {category.title: [] for category in rules.categories}
    groups.setdefault(rules.fallback_title, [])
    contributors: dict[str, str] = {}
    for entry in entries:
        if entry.labels & excluded:
            continue
        contributors.setdefault(entry.credit.lower(), entry.credit)
        matched = [c.title for c in rules.categories if entry.labels & set(c.labels)]
        if not rules.allow_multiple_categories:
            matched = matched[:1]
        for title in matched or [rules.fallback_title]:
            groups[title].append(entry)
    lines = [
        "## Summary",
        "",
        rules.summary_placeholder,
        "",
        f"## Changes{f' in {version}' if version else ''}",
        "",
    ]
    for title, items in groups.items():
        if items:
            lines += [f"### {title}", "", *(item.render() for item in items), ""]
    if not any(groups.values()):
        lines += ["No changes.", ""]
    names = ", ".join(contributors[key] for key in sorted(contributors))
    lines.append(f"**This release was made possible by the following contributors:** {names or 'none'}")
    return "\n".join(lines) + "\n"
