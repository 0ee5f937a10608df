"""The maintainers' workflow behind `fogbank repo`: one config, labels, PRs, releases, changelog, issues.

Example:
    >>> from fogbank.repo import RepoConfig, parse_title
    >>> parse_title("fix(tracer): keep annotations").type, RepoConfig().size.label_for(5)
    ('fix', 'size/XS')
"""

from __future__ import annotations

from fogbank.repo.changelog import ChangelogResult, build_changelog
from fogbank.repo.changes import Change, apply_changes, describe_changes
from fogbank.repo.config import RepoConfig
from fogbank.repo.config_loader import LoadedConfig, load_config
from fogbank.repo.git import FileChange, Git
from fogbank.repo.lint import lint_config
from fogbank.repo.pr_labels import LabelDecision, PullFacts, decide_labels
from fogbank.repo.release_notes import NoteEntry, render_notes
from fogbank.repo.titles import SemanticTitle, TitleError, check_title, parse_title

__all__ = [
    "Change",
    "ChangelogResult",
    "FileChange",
    "Git",
    "LabelDecision",
    "LoadedConfig",
    "NoteEntry",
    "PullFacts",
    "RepoConfig",
    "SemanticTitle",
    "TitleError",
    "apply_changes",
    "build_changelog",
    "check_title",
    "decide_labels",
    "describe_changes",
    "lint_config",
    "load_config",
    "parse_title",
    "render_notes",
]
