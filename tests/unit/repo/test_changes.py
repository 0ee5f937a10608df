"""Planned changes to GitHub: one tab-separated line each, applied in order."""

from __future__ import annotations

import pytest

from fogbank.errors import RepoError
from fogbank.repo.changes import Change, apply_changes, describe_changes, marker
from fogbank.repo.github.fake import FakeGitHub  # stands in for GitHub's servers
from fogbank.repo.github.models import Label


def test_a_change_is_one_parsable_line_even_with_newlines_and_tabs_in_its_detail() -> None:
    # GIVEN a change whose detail spans lines and holds a tab
    change = Change("create-comment", "#7", "line one\nline\ttwo", lambda github: None)
    # WHEN described
    line = change.describe()
    # THEN it is exactly three tab-separated fields on one line
    assert "\n" not in line
    assert line.split("\t") == ["create-comment", "#7", "line one\\nline two"]


def test_changes_are_described_and_applied_in_order_and_the_first_failure_stops() -> None:
    # GIVEN three label changes, the second of which GitHub refuses (the label does not exist)
    github = FakeGitHub()
    changes = [
        Change("create-label", "a", "", lambda gh: gh.create_label(Label("a", "ffffff", ""))),
        Change("delete-label", "missing", "", lambda gh: gh.delete_label("missing")),
        Change("create-label", "b", "", lambda gh: gh.create_label(Label("b", "ffffff", ""))),
    ]
    # WHEN described and applied
    lines = describe_changes(changes)
    with pytest.raises(RepoError, match="delete label missing"):
        apply_changes(changes, github)
    # THEN the lines keep the order, and nothing after the failure was written
    assert [line.split("\t")[1] for line in lines] == ["a", "missing", "b"]
    assert github.writes == ["create_label a"]


def test_markers_are_hidden_html_comments_one_per_kind() -> None:
    # GIVEN two kinds / WHEN their markers are made THEN they are distinct HTML comments naming the kind
    assert marker("pr-size") == "<!-- fogbank:pr-size -->"
    assert marker("released:v1") != marker("released:v2")


def test_changes_compare_by_what_they_do_not_by_their_callable() -> None:
    # GIVEN two changes that differ only in the callable / WHEN compared THEN they are equal
    assert Change("a", "b", "c", lambda gh: None) == Change("a", "b", "c", lambda gh: gh.close_issue(1))
