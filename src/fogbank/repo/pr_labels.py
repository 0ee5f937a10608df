"""The labels a PR should carry: size, utility (by path), kind (by title), breaking, need-issue.

Example:
    >>> from fogbank.repo.config import RepoConfig
    >>> from fogbank.repo.git import FileChange
    >>> facts = PullFacts("fix(tracer): x", "closes #3", "ann", [FileChange("tests/t.py", 3, 1)], None, [])
    >>> sorted(decide_labels(facts, RepoConfig()).labels)
    ['bug', 'size/XS', 'tests']
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from fogbank.repo.config import RepoConfig
from fogbank.repo.git import FileChange
from fogbank.repo.globs import any_glob_matches
from fogbank.repo.sizes import SizeReport, measure_size
from fogbank.repo.titles import SemanticTitle, TitleError, check_title

__all__ = ["LabelDecision", "PullFacts", "decide_labels", "label_delta", "linked_issues"]


@dataclass(frozen=True)
class PullFacts:
    """What labelling needs to know about a PR, wherever it came from (GitHub or a local checkout)."""

    title: str
    body: str
    author: str
    changes: Sequence[FileChange]
    gitattributes: str | None
    closing_issues: Sequence[int]


@dataclass(frozen=True)
class LabelDecision:
    """The computed labels and why."""

    labels: frozenset[str]
    size: SizeReport
    linked_issues: tuple[int, ...]
    title: SemanticTitle | None
    title_problem: str | None
    needs_issue: bool


def linked_issues(body: str, closing_issues: Sequence[int], body_pattern: str) -> tuple[int, ...]:
    """GitHub's closing references first, then the numbers ``body_pattern`` finds in the body, deduplicated."""
    numbers = list(closing_issues)
    numbers += [int(match.group(1)) for match in re.finditer(body_pattern, body or "")]
    return tuple(dict.fromkeys(numbers))


def decide_labels(facts: PullFacts, config: RepoConfig) -> LabelDecision:
    """Compute the labels fogbank owns for one PR."""
    labels: set[str] = set()
    size = measure_size(facts.changes, config.size, facts.gitattributes)
    labels.add(size.label)
    for label, patterns in config.utility_labels.items():
        if any(any_glob_matches(patterns, change.path) for change in facts.changes):
            labels.add(label)
    title: SemanticTitle | None = None
    problem: str | None = None
    try:
        title = check_title(
            facts.title,
            config.types,
            config.scopes.allowed,
            config.scopes.aliases,
            require_scope=config.scopes.required,
        )
    except TitleError as error:
        problem = str(error)
    if title is not None:
        kind = config.types[title.type].label
        if kind:
            labels.add(kind)
        if title.breaking:
            labels.add(config.breaking_label)
    issues = linked_issues(facts.body, facts.closing_issues, config.need_issue.body_pattern)
    rule = config.need_issue
    exempt = facts.author in rule.exempt_authors or (title is not None and title.type in rule.exempt_types)
    needs_issue = rule.enabled and not issues and not exempt
    if needs_issue:
        labels.update(rule.labels)
    return LabelDecision(
        labels=frozenset(labels),
        size=size,
        linked_issues=issues,
        title=title,
        title_problem=problem,
        needs_issue=needs_issue,
    )


def label_delta(
    current: Collection[str], wanted: Collection[str], owned: Collection[str]
) -> tuple[list[str], list[str]]:
    """``(add, remove)``: owned labels are replaced by ``wanted``; labels a human added are kept."""
    add = sorted(set(wanted) - set(current))
    remove = sorted(label for label in current if label in owned and label not in wanted)
    return add, remove
