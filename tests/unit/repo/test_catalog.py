"""The shipped label catalog and utility globs."""

from __future__ import annotations

import re

from fogbank.repo.catalog import DEFAULT_LABELS, DEFAULT_UTILITY_LABELS
from fogbank.repo.config import LabelModel, RepoConfig


def test_every_catalog_label_is_valid_for_github_and_unique() -> None:
    # GIVEN the shipped catalog
    names = [label.name.lower() for label in DEFAULT_LABELS]
    # WHEN each is validated as the config validates labels (GitHub's limits: name 50, description 100)
    models = [LabelModel(name=s.name, color=s.color, description=s.description) for s in DEFAULT_LABELS]
    # THEN all pass, colours are six hex digits, and no name repeats (GitHub compares names case-insensitively)
    assert len(models) == len(DEFAULT_LABELS)
    assert all(re.fullmatch(r"[0-9a-f]{6}", label.color) for label in DEFAULT_LABELS)
    assert len(set(names)) == len(names)


def test_every_label_the_default_rules_use_is_in_the_catalog() -> None:
    # GIVEN the default config's sizes, utility labels, kinds and need-issue labels
    config = RepoConfig()
    used = set(config.size.labels()) | set(DEFAULT_UTILITY_LABELS) | set(config.need_issue.labels)
    used |= {rule.label for rule in config.types.values() if rule.label}
    # WHEN compared with the catalog THEN none is missing
    assert used <= {label.name for label in DEFAULT_LABELS}
