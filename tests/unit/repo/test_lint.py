"""lint-config: dead globs, labels missing from the catalog, types without label or section."""

from __future__ import annotations

from fogbank.repo.config import RepoConfig, ScopeRules, TypeRule
from fogbank.repo.lint import lint_config

# one file for each default utility glob and size.ignore glob, so the defaults lint clean
EVERY_DEFAULT_GLOB_MATCHED = [
    "tests/test_x.py",
    "docs/index.md",
    ".github/workflows/ci.yml",
    ".github/ISSUE_TEMPLATE/bug.yml",
    ".github/PULL_REQUEST_TEMPLATE.md",
    "pyproject.toml",
    "poetry.lock",
    "requirements-dev.txt",
    "package.json",
    "package-lock.json",
]


def test_the_default_config_is_sound_for_a_repository_that_has_every_globbed_file() -> None:
    # GIVEN the shipped config and a repository with a file for each of its globs
    # WHEN linted THEN nothing is reported
    assert lint_config(RepoConfig(), EVERY_DEFAULT_GLOB_MATCHED) == []


def test_dead_globs_are_named_with_their_label() -> None:
    # GIVEN a repository without workflows nor lock files
    files = [path for path in EVERY_DEFAULT_GLOB_MATCHED if "workflows" not in path and "lock" not in path]
    # WHEN linted
    problems = lint_config(RepoConfig(), files)
    # THEN each dead glob is one sentence naming the glob and where it comes from
    assert (
        "glob '.github/workflows/**' of utility label 'github-actions' matches no file in the repository"
        in (problems)
    )
    assert "glob '*.lock' of size.ignore matches no file in the repository" in problems
    assert "glob 'poetry.lock' of utility label 'dependencies' matches no file in the repository" in problems


def test_labels_used_but_not_in_the_catalog_and_incomplete_types() -> None:
    # GIVEN types whose label is missing from the catalog, without label, without section, in no category
    config = RepoConfig(
        types={
            "feat": TypeRule(label="feature", section="Features"),
            "wip": TypeRule(label="work-in-progress", section="Features"),
            "nolabel": TypeRule(section="Features"),
            "nosection": TypeRule(label="bug"),
            "elsewhere": TypeRule(label="feature", section="Somewhere else"),
        },
        breaking_label="breaking",
    )
    # WHEN linted
    problems = lint_config(config, EVERY_DEFAULT_GLOB_MATCHED)
    # THEN each problem names the type or the place that uses the label
    assert problems == [
        "label 'work-in-progress' used by types.wip.label is missing from the catalog (labels/extra_labels)",
        "label 'breaking' used by breaking_label is missing from the catalog (labels/extra_labels)",
        "type 'wip' label 'work-in-progress' is in no release_notes category",
        "type 'nolabel' has no label",
        "type 'nosection' has no section",
        "type 'elsewhere' section 'Somewhere else' is not in changelog.sections",
    ]


def test_scope_aliases_must_point_to_allowed_scopes() -> None:
    # GIVEN allowed scopes and an alias to a scope that is not allowed
    config = RepoConfig(scopes=ScopeRules(allowed=["logger"], aliases={"log": "logger", "trace": "tracer"}))
    # WHEN linted THEN only the bad alias is reported
    assert lint_config(config, EVERY_DEFAULT_GLOB_MATCHED) == [
        "scope alias 'trace' points to 'tracer', which is not in scopes.allowed"
    ]
