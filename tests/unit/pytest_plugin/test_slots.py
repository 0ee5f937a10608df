"""Stack slots: a bound shared by processes, released by a process that dies."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from fogbank.pytest_plugin.slots import StackSlots


def test_slots_are_shared_through_the_folder_and_freed_on_release(tmp_path):
    # GIVEN two holders of the same two slots (as two xdist workers would be)
    first, second = StackSlots(tmp_path, 2), StackSlots(tmp_path, 2)

    # WHEN both slots are taken
    taken = [first.try_acquire(), second.try_acquire()]

    # THEN a third is refused until one is released (from any thread; release is idempotent)
    assert all(taken) and first.try_acquire() is None and second.try_acquire() is None
    taken[0].release()
    taken[0].release()
    again = second.try_acquire()
    assert again is not None
    assert first.try_acquire() is None


def test_a_process_that_dies_frees_its_slot(tmp_path):
    # GIVEN another process that holds the only slot, then is killed
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from fogbank.pytest_plugin.slots import StackSlots
                slot = StackSlots(Path({str(tmp_path)!r}), 1).try_acquire()
                print("held" if slot else "refused", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        slots = StackSlots(tmp_path, 1)
        assert slots.try_acquire() is None
    finally:
        holder.kill()
        holder.wait()

    # WHEN / THEN the slot is free again
    assert slots.try_acquire() is not None


def test_a_bound_below_one_is_refused(tmp_path):
    with pytest.raises(ValueError, match="--fogbank-max-stacks must be 1 or more"):
        StackSlots(tmp_path, 0)
