"""`labels sync`: create and update catalog labels; with prune, delete only the labels fogbank owns."""

from __future__ import annotations

from fogbank.repo.changes import apply_changes
from fogbank.repo.config import LabelModel, RepoConfig
from fogbank.repo.github.fake import FakeGitHub  # stands in for GitHub's servers
from fogbank.repo.github.models import Label
from fogbank.repo.label_sync import plan_label_sync, unowned_extras

CONFIG = RepoConfig(
    labels=[
        LabelModel(name="bug", color="D73A4A", description="Broken"),
        LabelModel(name="size/S", color="5d9801"),
    ],
    retired_labels=["old-kind"],
)


def test_missing_labels_are_created_and_changed_ones_updated_with_what_differs() -> None:
    # GIVEN a repository whose "Bug" label has another case, colour and description
    existing = [Label("Bug", "FF0000", "Something")]
    # WHEN the sync is planned
    lines = [change.describe() for change in plan_label_sync(CONFIG, existing, prune=False)]
    # THEN the label is updated in place (matched case-insensitively), and the missing one is created
    assert lines == [
        'update-label\tBug\tname Bug -> bug, color ff0000 -> d73a4a, description "Something" -> "Broken"',
        'create-label\tsize/S\tcolor=5d9801 description=""',
    ]


def test_a_label_that_matches_the_catalog_is_left_alone() -> None:
    # GIVEN labels equal to the catalog (colour case aside) / WHEN planned THEN nothing changes
    existing = [Label("bug", "d73a4a", "Broken"), Label("size/S", "5D9801", "")]
    assert plan_label_sync(CONFIG, existing, prune=True) == []


def test_prune_deletes_retired_and_stale_size_labels_but_never_a_humans_label() -> None:
    # GIVEN the catalog's labels, a retired label, a size label no longer in the catalog, and a human's label
    github = FakeGitHub()
    for label in (
        Label("bug", "d73a4a", "Broken"),
        Label("size/S", "5d9801", ""),
        Label("Old-Kind", "ededed", ""),
        Label("size/XXXL", "ededed", ""),
        Label("good first issue", "7057ff", ""),
    ):
        github.labels[label.name] = label
    # WHEN planned without and with prune, then applied with prune
    assert plan_label_sync(CONFIG, github.list_labels(), prune=False) == []
    apply_changes(plan_label_sync(CONFIG, github.list_labels(), prune=True), github)
    # THEN only the owned labels are deleted; the human's label stays and is listed as an unowned extra
    assert github.writes == ["delete_label Old-Kind", "delete_label size/XXXL"]
    assert sorted(github.labels) == ["bug", "good first issue", "size/S"]
    assert unowned_extras(CONFIG, github.list_labels()) == ["good first issue"]
