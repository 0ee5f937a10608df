"""What a worker holds for the run is kept off the garbage collector (fogbank.heap)."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from fogbank.heap import collection_paused, freeze_long_lived


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


@pytest.mark.usefixtures("unfrozen")
def test_collection_stays_off_until_the_last_of_two_threads_ends_its_pause() -> None:
    # GIVEN a pause begun on another thread, which holds it until told to end
    began, end = threading.Event(), threading.Event()

    def other() -> None:
        with collection_paused():
            began.set()
            assert end.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    assert began.wait(10)

    # WHEN this thread pauses too and ends its pause first
    with collection_paused():
        assert not gc.isenabled()
    still_off = not gc.isenabled()
    end.set()
    thread.join(10)

    # THEN the collector stayed off until the other pause ended, then came back, with the heap frozen
    assert still_off
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


@pytest.mark.usefixtures("unfrozen")
def test_a_collector_that_was_off_stays_off_after_a_pause() -> None:
    # GIVEN the collector turned off by someone else
    gc.disable()
    try:
        # WHEN a pause begins and ends
        with collection_paused():
            pass
        # THEN it is still off
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.usefixtures("unfrozen")
@pytest.mark.parametrize("where", ["paused block", "freeze"])
def test_garbage_made_before_a_freeze_is_freed_not_frozen(where: str) -> None:
    # GIVEN cycles that become garbage (only the collector can free them), made inside a paused block, or just
    # before a freeze
    class Node:
        pass

    def garbage() -> weakref.ref[Node]:
        node = Node()
        node.me = node  # type: ignore[attr-defined]
        return weakref.ref(node)

    # WHEN the block ends (or the heap is frozen)
    if where == "paused block":
        with collection_paused():
            refs = [garbage() for _ in range(1000)]
    else:
        refs = [garbage() for _ in range(1000)]
        freeze_long_lived()

    # THEN they were freed, not moved to the permanent generation where no collection would ever free them
    gc.collect()
    assert sum(ref() is not None for ref in refs) == 0
