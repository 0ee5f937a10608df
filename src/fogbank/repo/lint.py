"""`lint-config`: dead globs, labels used but missing from the catalog, types without label or section.

Example:
    >>> from fogbank.repo.config import RepoConfig
    >>> lint_config(RepoConfig(), ["docs/index.md", "tests/test_x.py"])[:1]
    ["glob '.github/workflows/**' of utility label 'github-actions' matches no file in the repository"]
"""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.repo.config import RepoConfig
from fogbank.repo.globs import any_glob_matches

__all__ = ["lint_config"]


def lint_config(config: RepoConfig, files: Sequence[str]) -> list[str]:
    """Every problem found, one sentence each; empty when the config is sound."""
    problems: list[str] = []
    for label, patterns in config.utility_labels.items():
        problems += [
            f"glob {pattern!r} of utility label {label!r} matches no file in the repository"
            for pattern in patterns
            if not any(any_glob_matches([pattern], path) for path in files)
        ]
    problems += [
        f"glob {pattern!r} of size.ignore matches no file in the repository"
        for pattern in config.size.ignore
        if not any(any_glob_matches([pattern], path) for path in files)
    ]
    catalog = {label.name for label in config.catalog()}
    for where, label in _used_labels(config):
        if label not in catalog:
            problems.append(
                f"label {label!r} used by {where} is missing from the catalog (labels/extra_labels)"
            )
    category_labels = {label for category in config.release_notes.categories for label in category.labels}
    for name, rule in config.types.items():
        if not rule.label:
            problems.append(f"type {name!r} has no label")
        elif rule.label not in category_labels:
            problems.append(f"type {name!r} label {rule.label!r} is in no release_notes category")
        if not rule.section:
            problems.append(f"type {name!r} has no section")
        elif rule.section not in config.changelog.sections:
            problems.append(f"type {name!r} section {rule.section!r} is not in changelog.sections")
    if config.scopes.allowed:
        problems += [
            f"scope alias {alias!r} points to {target!r}, which is not in scopes.allowed"
            for alias, target in config.scopes.aliases.items()
            if target not in config.scopes.allowed
        ]
    return problems


def _used_labels(config: RepoConfig) -> list[tuple[str, str]]:
    used = [(f"types.{name}.label", rule.label) for name, rule in config.types.items() if rule.label]
    used += [(f"utility_labels.{label}", label) for label in config.utility_labels]
    used += [("size.thresholds", label) for label in config.size.labels()]
    used += [("need_issue.labels", label) for label in config.need_issue.labels]
    used += [("breaking_label", config.breaking_label)]
    used += [("issues.triage_label", config.issues.triage_label)]
    used += [("issues.pending_release_label", config.issues.pending_release_label)]
    used += [("issues.revisit", rule.label) for rule in config.issues.revisit]
    used += [(f"board.rules[{rule.status}]", rule.label) for rule in config.board.rules if rule.label]
    used += [("triage.need_info_label", config.triage.need_info_label)]
    used += [
        (f"release_notes.categories[{category.title}]", label)
        for category in config.release_notes.categories
        for label in category.labels
    ]
    return used
