"""Which features this pytest process runs next: the queue of a pytest-xdist worker, or the session's items.

A pytest-xdist worker knows the indices of the tests it was sent and has not run yet (fogbank's loadgroup
scheduler sends each worker its next feature before the current one ends); without xdist, the rest of
`session.items` is the queue.

Example (skipped as a doctest: it needs a pytest session):
    >>> upcoming_items(item)  # doctest: +SKIP
    [<Function test_two>, <Function test_cold_start>]
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

__all__ = ["feature_folder_of", "next_features", "upcoming_items"]


def _worker_interactor(config: pytest.Config) -> Any | None:
    for plugin in config.pluginmanager.get_plugins():
        if type(plugin).__name__ == "WorkerInteractor" and hasattr(plugin, "torun"):
            return plugin
    return None


def upcoming_items(item: pytest.Item) -> list[pytest.Item]:
    """The tests this process will run after `item`, in order (as far as it knows them now)."""
    items = item.session.items
    interactor = _worker_interactor(item.config) if hasattr(item.config, "workerinput") else None
    if interactor is None:
        try:
            return list(items[items.index(item) + 1 :])
        except ValueError:
            return []
    indices: list[Any] = [interactor.nextitem_index]
    with interactor.torun.lock() as queued:
        indices += list(queued)
    return [items[index] for index in indices if isinstance(index, int) and 0 <= index < len(items)]


def feature_folder_of(item: pytest.Item, managed: Collection[Path]) -> Path | None:
    """The feature folder (one whose stack fogbank's plugin deploys) that `item` belongs to, if any."""
    for folder in item.path.parents:
        if folder in managed:
            return folder
    return None


def next_features(item: pytest.Item, managed: Collection[Path], how_many: int) -> list[Path]:
    """The next `how_many` feature folders after `item`'s own whose tests use the `infrastructure` fixture."""
    current = feature_folder_of(item, managed)
    found: list[Path] = []
    for upcoming in upcoming_items(item):
        if len(found) >= how_many:
            break
        folder = feature_folder_of(upcoming, managed)
        if folder is None or folder == current or folder in found:
            continue
        if "infrastructure" in getattr(upcoming, "fixturenames", ()):
            found.append(folder)
    return found
