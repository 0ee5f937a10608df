"""`pr label` and `pr merged` against GitHub: read the PR's current state, then plan the writes.

Example:
    >>> from fogbank.repo.config import RepoConfig
    >>> from fogbank.repo.github.fake import FakeGitHub
    >>> github = FakeGitHub()
    >>> github.add_pull_payload({"number": 1, "title": "fix: x", "body": "", "user": {"login": "ann"},
    ...     "labels": [], "state": "closed", "merged_at": "2024-01-01T00:00:00Z", "base": {"ref": "main"},
    ...     "created_at": "2024-01-01T00:00:00Z"}, closes=[5])
    >>> github.add_issue_payload({"number": 5, "title": "bug", "user": {"login": "bob"}, "labels": [],
    ...     "state": "open", "created_at": "2024-01-01T00:00:00Z"})
    >>> [change.describe() for change in plan_pr_merged(github, 1, RepoConfig())]
    ['add-labels\\t#5\\tpending-release']
"""

from __future__ import annotations

from functools import partial

from fogbank.repo.changes import Change, marker
from fogbank.repo.config import RepoConfig
from fogbank.repo.github.port import GitHubPort
from fogbank.repo.pr_labels import LabelDecision, PullFacts, decide_labels, label_delta, linked_issues

__all__ = ["plan_pr_label", "plan_pr_merged", "upsert_comment"]

SIZE_MARKER = marker("pr-size")
NO_ISSUE_MARKER = marker("pr-merged-without-issue")


def plan_pr_label(github: GitHubPort, number: int, config: RepoConfig) -> tuple[LabelDecision, list[Change]]:
    """The label decision for PR ``number`` and the writes that apply it idempotently."""
    pull = github.get_pull(number)
    facts = PullFacts(
        title=pull.title,
        body=pull.body,
        author=pull.author,
        changes=github.list_pull_files(number),
        gitattributes=github.read_file(pull.base_ref, ".gitattributes"),
        closing_issues=github.closing_issue_numbers(number),
    )
    decision = decide_labels(facts, config)
    add, remove = label_delta(pull.labels, decision.labels, config.owned_labels())
    changes: list[Change] = []
    if add:
        changes.append(Change("add-labels", f"#{number}", ",".join(add), partial(_add_labels, number, add)))
    changes += [
        Change("remove-label", f"#{number}", label, partial(_remove_label, number, label)) for label in remove
    ]
    if decision.size.too_large:
        text = config.size.too_large_comment.format(lines=decision.size.lines, size=decision.size.size)
        changes += upsert_comment(github, number, SIZE_MARKER, text)
    return decision, changes


def plan_pr_merged(github: GitHubPort, number: int, config: RepoConfig) -> list[Change]:
    """Add the pending-release label to the issues a merged PR links; comment once when it links none."""
    pull = github.get_pull(number)
    label = config.issues.pending_release_label
    issues = linked_issues(pull.body, github.closing_issue_numbers(number), config.need_issue.body_pattern)
    if not issues:
        text = config.issues.no_linked_issue_comment.format(label=label)
        return upsert_comment(github, number, NO_ISSUE_MARKER, text)
    changes = []
    for issue in issues:
        changes.append(Change("add-labels", f"#{issue}", label, partial(_add_labels, issue, [label])))
    return _skip_labelled(github, changes, label)


def upsert_comment(github: GitHubPort, number: int, comment_marker: str, text: str) -> list[Change]:
    """Create fogbank's comment of this kind, or update it in place when the text changed; else nothing."""
    body = f"{comment_marker}\n{text}"
    existing = [comment for comment in github.list_comments(number) if comment_marker in comment.body]
    if not existing:
        return [Change("create-comment", f"#{number}", text, partial(_comment, number, body))]
    if existing[0].body == body:
        return []
    return [Change("update-comment", f"#{number}", text, partial(_update_comment, existing[0].id, body))]


def _skip_labelled(github: GitHubPort, changes: list[Change], label: str) -> list[Change]:
    labelled = {issue.number for issue in github.list_issues(label=label, state="all")}
    return [change for change in changes if int(change.target.lstrip("#")) not in labelled]


def _add_labels(number: int, labels: list[str], github: GitHubPort) -> None:
    github.add_labels(number, labels)


def _remove_label(number: int, label: str, github: GitHubPort) -> None:
    github.remove_label(number, label)


def _comment(number: int, body: str, github: GitHubPort) -> None:
    github.create_comment(number, body)


def _update_comment(comment_id: int, body: str, github: GitHubPort) -> None:
    github.update_comment(comment_id, body)
