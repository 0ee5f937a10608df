"""The repo config: pydantic validation with the seed's defaults, size thresholds, owned labels."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from fogbank.repo.config import (
    BoardStatusRule,
    ChangelogRules,
    LabelModel,
    NeedIssueRule,
    RepoConfig,
    SizeRules,
    TypeRule,
)


@pytest.mark.parametrize(
    ("lines", "label"),
    [
        (0, "size/XS"),
        (9, "size/XS"),
        (10, "size/S"),
        (29, "size/S"),
        (30, "size/M"),
        (499, "size/L"),
        (500, "size/XL"),
        (1000, "size/XXL"),
        (10**6, "size/XXL"),
    ],
)
def test_size_labels_follow_the_thresholds(lines: int, label: str) -> None:
    # GIVEN the default thresholds / WHEN a line count is labelled THEN its size is the last threshold reached
    assert SizeRules().label_for(lines) == label


def test_too_large_starts_at_its_threshold() -> None:
    # GIVEN too_large_from XL / WHEN checked around 500 lines THEN 500 is too large, 499 is not
    rules = SizeRules(too_large_from="XL")
    assert rules.is_too_large(500) and not rules.is_too_large(499)


@pytest.mark.parametrize(
    ("thresholds", "too_large_from", "message"),
    [
        ({"S": 5, "M": 10}, "M", "thresholds must start at 0"),
        ({"XS": 0, "S": 10, "M": 10}, "M", "strictly increase"),
        ({"XS": 0, "S": 10}, "XXL", "too_large_from 'XXL' is not one of the thresholds"),
    ],
)
def test_bad_size_rules_are_refused_with_the_rule(thresholds, too_large_from, message) -> None:
    # GIVEN thresholds not starting at 0, not increasing, or a too_large_from that names no size
    # WHEN validated THEN the error says what is wrong
    with pytest.raises(ValidationError, match=message):
        SizeRules(thresholds=thresholds, too_large_from=too_large_from)


def test_bad_regular_expressions_are_refused_naming_the_field() -> None:
    # GIVEN an invalid body pattern, tag pattern and skip pattern / WHEN validated THEN each is refused
    with pytest.raises(ValidationError, match=r"body_pattern[\s\S]*not a valid regular expression"):
        NeedIssueRule(body_pattern="(unclosed")
    with pytest.raises(ValidationError, match=r"tag_pattern[\s\S]*not a valid regular expression"):
        ChangelogRules(tag_pattern="[v")
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        ChangelogRules(skip_patterns=["ok", "(bad"])


def test_unknown_keys_labels_defined_twice_and_bad_colours_are_refused() -> None:
    # GIVEN a typo'd key, a label in both labels and extra_labels, a colour with "#"
    with pytest.raises(ValidationError, match="sise"):
        RepoConfig.model_validate({"sise": {}})
    with pytest.raises(ValidationError, match="labels are defined twice in labels/extra_labels: bug"):
        RepoConfig(extra_labels=[LabelModel(name="bug", color="ffffff")])
    with pytest.raises(ValidationError, match="color"):
        LabelModel(name="x", color="#ffffff")


def test_a_board_rule_needs_a_condition() -> None:
    # GIVEN a status rule with no state, label nor kind / WHEN validated THEN the error names the status
    with pytest.raises(ValidationError, match="rule for status 'Done' has no condition"):
        BoardStatusRule(status="Done")


def test_owned_labels_are_the_ones_pr_label_computes() -> None:
    # GIVEN the default config plus a type with a label of its own
    types = {**RepoConfig().types, "sec": TypeRule(label="security", section="Maintenance")}
    owned = RepoConfig(types=types).owned_labels()
    # WHEN / THEN sizes, utilities, need-issue labels, kinds and breaking are owned; triage labels are not
    assert {"size/XS", "size/XXL", "tests", "need-issue", "do-not-merge", "bug", "security"} <= owned
    assert "breaking-change" in owned
    assert not {"triage", "pending-release", "help wanted"} & owned


def test_the_catalog_is_labels_then_extra_labels() -> None:
    # GIVEN an extra label / WHEN the catalog is read THEN it comes after the shipped ones
    catalog = RepoConfig(extra_labels=[LabelModel(name="area/cli", color="000000")]).catalog()
    assert catalog[0].name == "triage" and catalog[-1].name == "area/cli"
