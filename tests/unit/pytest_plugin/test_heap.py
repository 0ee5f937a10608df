"""What a worker holds for the run is kept off the garbage collector (fogbank.pytest_plugin.heap)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from fogbank.pytest_plugin.heap import freeze_long_lived


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_objects_alive_when_frozen_are_no_longer_scanned_and_new_ones_still_are() -> None:
    # GIVEN an object that is alive now (a cycle, so that only the collector could free it)
    kept: list[object] = []
    kept.append(kept)

    # WHEN what is alive is frozen, and another object is made afterwards
    freeze_long_lived()
    later: list[object] = []
    later.append(later)

    # THEN the first is in the permanent generation (not among what collections scan); the later one is not
    assert gc.get_freeze_count() > 0
    scanned = {id(obj) for obj in gc.get_objects()}
    assert id(kept) not in scanned
    assert id(later) in scanned
