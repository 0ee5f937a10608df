"""Deploy phases timed for the run report, only while a report records them, per thread."""

from __future__ import annotations

import threading
import time

import pytest

from fogbank.report.phases import phase, recording


def test_phases_are_timed_in_order_while_recording() -> None:
    # GIVEN a recording
    with recording() as phases:
        # WHEN two phases run, the second one failing
        with phase("synth"):
            time.sleep(0.01)
        with pytest.raises(RuntimeError), phase("assets"):
            raise RuntimeError("upload failed")
    # THEN both are recorded in order, with their duration, the failed one too
    assert [p.name for p in phases] == ["synth", "assets"]
    assert phases[0].duration_seconds >= 0.01
    assert phases[0].started_at <= phases[1].started_at


def _time_a_phase(name: str) -> None:
    with phase(name):
        pass


def test_nothing_is_recorded_outside_a_recording_nor_from_another_thread() -> None:
    # GIVEN a phase timed before any recording, and a recording open on this thread only
    with phase("synth"):
        pass
    with recording() as phases:
        other = threading.Thread(target=_time_a_phase, args=("on-another-thread",))
        other.start()
        other.join()
        # WHEN a nested recording is opened and closed
        with recording() as inner, phase("stack"):
            pass
        with phase("after"):
            pass
    # THEN the inner phase went to the inner recording, and the outer one is restored afterwards
    assert [p.name for p in inner] == ["stack"]
    assert [p.name for p in phases] == ["after"]
