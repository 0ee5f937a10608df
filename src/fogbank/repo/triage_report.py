"""`repo triage`: what needs a maintainer's eyes, in one Markdown view a scheduled workflow can post.

Four lists, each with how long the item has waited:
- issues in triage that no maintainer has answered for `triage.no_answer_days`;
- pull requests waiting for review (open, not draft, no review yet);
- contributions stuck: open PRs from outside the maintainers with no activity for `triage.stuck_days`
  (the seed's "Contribution is stuck");
- items carrying `triage.need_info_label` past `triage.need_info_reminder_days`.

Example:
    >>> from datetime import UTC, datetime
    >>> from fogbank.repo.config import RepoConfig
    >>> from fogbank.repo.github.fake import FakeGitHub
    >>> report = build_triage_report(FakeGitHub(), RepoConfig(), datetime(2024, 6, 1, tzinfo=UTC))
    >>> report.total
    0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fogbank.repo.config import RepoConfig
from fogbank.repo.github.models import Issue
from fogbank.repo.github.port import GitHubPort

__all__ = ["TriageEntry", "TriageReport", "build_triage_report"]


@dataclass(frozen=True)
class TriageEntry:
    """One item and how many days it has waited."""

    number: int
    title: str
    author: str
    days: int


@dataclass
class TriageReport:
    """The four lists, ready to render."""

    now: datetime
    config: RepoConfig
    unanswered: list[TriageEntry] = field(default_factory=list)
    awaiting_review: list[TriageEntry] = field(default_factory=list)
    stuck: list[TriageEntry] = field(default_factory=list)
    need_info: list[TriageEntry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.unanswered) + len(self.awaiting_review) + len(self.stuck) + len(self.need_info)

    def markdown(self, repository: str) -> str:
        """The report as Markdown: a heading, a count, and one table per list."""
        rules = self.config.triage
        sections = [
            (f"Issues in triage with no maintainer answer for {rules.no_answer_days}+ days", self.unanswered),
            ("Pull requests waiting for review", self.awaiting_review),
            (f"Contributions stuck for {rules.stuck_days}+ days", self.stuck),
            (
                f"`{rules.need_info_label}` past its {rules.need_info_reminder_days}-day reminder",
                self.need_info,
            ),
        ]
        lines = [
            f"# Maintainer triage for {repository}, {self.now.date().isoformat()}",
            "",
            f"{self.total} item(s) need a maintainer's eyes.",
        ]
        for title, entries in sections:
            lines += ["", f"## {title} ({len(entries)})", ""]
            if not entries:
                lines.append("Nothing here.")
                continue
            lines += ["| # | Title | Author | Waiting |", "|---|---|---|---|"]
            for entry in sorted(entries, key=lambda e: (-e.days, e.number)):
                title_text = entry.title.replace("|", "\\|")
                lines.append(f"| #{entry.number} | {title_text} | @{entry.author} | {entry.days} days |")
        return "\n".join(lines) + "\n"


def build_triage_report(github: GitHubPort, config: RepoConfig, now: datetime) -> TriageReport:
    """Read open issues and PRs (with comments, reviews and label events where needed) and sort them."""
    rules = config.triage
    maintainers = set(rules.maintainer_associations)
    report = TriageReport(now=now, config=config)
    for item in github.list_issues(state="open"):
        if not item.is_pull and config.issues.triage_label in item.labels:
            days = (now - item.created_at).days
            answered = any(c.author_association in maintainers for c in github.list_comments(item.number))
            if days >= rules.no_answer_days and not answered:
                report.unanswered.append(_entry(item, days))
        if item.is_pull and not item.draft:
            if not github.list_reviews(item.number):
                report.awaiting_review.append(_entry(item, (now - item.created_at).days))
            idle = (now - (item.updated_at or item.created_at)).days
            if item.author_association not in maintainers and idle >= rules.stuck_days:
                report.stuck.append(_entry(item, idle))
        if rules.need_info_label in item.labels:
            labelled = [
                event.created_at
                for event in github.list_label_events(item.number)
                if event.event == "labeled" and event.label == rules.need_info_label
            ]
            days = (now - (max(labelled) if labelled else item.created_at)).days
            if days >= rules.need_info_reminder_days:
                report.need_info.append(_entry(item, days))
    return report


def _entry(item: Issue, days: int) -> TriageEntry:
    return TriageEntry(number=item.number, title=item.title, author=item.author, days=days)
