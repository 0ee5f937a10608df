"""`labels sync`: create and update labels from the catalog; delete only labels the tool owns, with prune.

The tool owns ``retired_labels`` and labels carrying the size prefix that are no longer in the catalog.
Every other label in the repository is a human's and is never deleted.

Example:
    >>> from fogbank.repo.config import RepoConfig
    >>> changes = plan_label_sync(RepoConfig(), existing=[], prune=False)
    >>> changes[0].describe()
    'create-label\\ttriage\\tcolor=fbca04 description="New issues that require maintainers review"'
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from fogbank.repo.changes import Change
from fogbank.repo.config import RepoConfig
from fogbank.repo.github.models import Label
from fogbank.repo.github.port import GitHubPort

__all__ = ["plan_label_sync", "unowned_extras"]


def plan_label_sync(config: RepoConfig, existing: Sequence[Label], *, prune: bool) -> list[Change]:
    """The changes that make the repository's labels match the catalog."""
    by_name = {label.name.lower(): label for label in existing}
    changes: list[Change] = []
    catalog_names: set[str] = set()
    for spec in config.catalog():
        wanted = Label(name=spec.name, color=spec.color.lower(), description=spec.description)
        catalog_names.add(spec.name.lower())
        current = by_name.get(spec.name.lower())
        if current is None:
            detail = f'color={wanted.color} description="{wanted.description}"'
            changes.append(Change("create-label", wanted.name, detail, partial(_create, wanted)))
        elif (current.name, current.color.lower(), current.description) != (
            wanted.name,
            wanted.color,
            wanted.description,
        ):
            detail = ", ".join(_differences(current, wanted))
            changes.append(
                Change("update-label", current.name, detail, partial(_update, current.name, wanted))
            )
    if prune:
        retired = {name.lower() for name in config.retired_labels}
        prefix = config.size.label_prefix.lower()
        for label in existing:
            lowered = label.name.lower()
            if lowered in catalog_names:
                continue
            if lowered in retired or (prefix and lowered.startswith(prefix)):
                changes.append(
                    Change(
                        "delete-label",
                        label.name,
                        "owned by fogbank, not in the catalog",
                        partial(_delete, label.name),
                    )
                )
    return changes


def unowned_extras(config: RepoConfig, existing: Sequence[Label]) -> list[str]:
    """Labels in the repository that are neither in the catalog nor owned: kept, and worth a look."""
    catalog = {spec.name.lower() for spec in config.catalog()}
    retired = {name.lower() for name in config.retired_labels}
    prefix = config.size.label_prefix.lower()
    return sorted(
        label.name
        for label in existing
        if label.name.lower() not in catalog | retired
        and not (prefix and label.name.lower().startswith(prefix))
    )


def _differences(current: Label, wanted: Label) -> list[str]:
    diffs = []
    if current.name != wanted.name:
        diffs.append(f"name {current.name} -> {wanted.name}")
    if current.color.lower() != wanted.color:
        diffs.append(f"color {current.color.lower()} -> {wanted.color}")
    if current.description != wanted.description:
        diffs.append(f'description "{current.description}" -> "{wanted.description}"')
    return diffs


def _create(label: Label, github: GitHubPort) -> None:
    github.create_label(label)


def _update(name: str, label: Label, github: GitHubPort) -> None:
    github.update_label(name, label)


def _delete(name: str, github: GitHubPort) -> None:
    github.delete_label(name)
