"""A cloud's default state directory: in $FOGBANK_CACHE_DIR/clouds (not /tmp), deleted at stop, and, when its
cloud was killed (SIGKILL: no stop ran), deleted by the next cloud that starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.state_dirs import SWEEP_MIN_AGE_S, default_state_root, sweep_leftovers


def test_a_killed_clouds_state_directory_is_deleted_by_the_next_cloud(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN `fogbank cloud start` without --state-dir, killed by SIGKILL once it serves
    cache = tmp_path / "cache"
    monkeypatch.setenv("FOGBANK_CACHE_DIR", str(cache))
    process = subprocess.Popen(
        [sys.executable, "-m", "fogbank.cli", "cloud", "start", "--port", "0", "--no-console"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("endpoint: http://127.0.0.1:")
        [left] = list((cache / "clouds").iterdir())
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert left.is_dir(), "a SIGKILL runs no stop: the directory stays until the next cloud starts"
    stamp = time.time() - SWEEP_MIN_AGE_S - 5  # as if killed over a minute ago
    os.utime(left, (stamp, stamp))

    # WHEN a cloud starts (in this process, also without a state directory), then stops
    with LocalCloud() as cloud:
        state_dir = cloud.context.state_dir
        during = sorted((cache / "clouds").iterdir())

    # THEN the killed cloud's directory went at that start; the new one was in the same place, until its stop
    assert during == [state_dir] and state_dir.parent == cache / "clouds"
    assert list((cache / "clouds").iterdir()) == []


def test_a_state_directory_chosen_among_the_default_ones_is_not_swept_while_its_cloud_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a cloud started with a --state-dir the user chose inside the default folder (a path an earlier
    # cloud printed, say), older than the sweep's minimum age
    cache = tmp_path / "cache"
    monkeypatch.setenv("FOGBANK_CACHE_DIR", str(cache))
    chosen = cache / "clouds" / "fogbank-cloud-chosen"
    chosen.mkdir(parents=True)
    (chosen / ".lock").touch()  # the earlier cloud's lock file
    stamp = time.time() - SWEEP_MIN_AGE_S - 5
    with LocalCloud(state_dir=chosen):
        os.utime(chosen, (stamp, stamp))  # its start wrote into it: made old again
        # WHEN another cloud's start sweeps the default folder (that cloud would run in another process: one
        # LocalCloud per process, so its sweep is called here)
        swept = sweep_leftovers(default_state_root())
        # THEN the running cloud's directory is not taken
        assert swept == [] and chosen.is_dir()
    # AND the user's directory stays after its cloud stops, as a chosen --state-dir always does
    assert chosen.is_dir()
