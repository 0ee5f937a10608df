"""fogbank's machine-wide cache directory and its bounded entries (fogbank.cloud.lambda_.machine_cache)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.machine_cache import (
    evict_least_recently_used,
    hold,
    mark_used,
    release,
    shared_cache_root,
)


def test_the_shared_cache_lives_in_fogbanks_cache_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN FOGBANK_CACHE_DIR, then only XDG_CACHE_HOME
    monkeypatch.setenv("FOGBANK_CACHE_DIR", "/srv/cache")
    explicit = shared_cache_root()
    monkeypatch.delenv("FOGBANK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/home/u/.xdg")

    # WHEN / THEN the explicit directory wins, else XDG's fogbank folder
    assert explicit == Path("/srv/cache")
    assert shared_cache_root() == Path("/home/u/.xdg/fogbank")


def test_eviction_keeps_the_most_recently_used_entries_and_those_in_use(tmp_path: Path) -> None:
    # GIVEN four entries: one just used, one used an hour ago, two used a day ago
    for name, age_s in (("now", 0), ("hour", 3600), ("day1", 86400), ("day2", 86401)):
        (tmp_path / name).mkdir()
        stamp = time.time() - age_s
        os.utime(tmp_path / name, (stamp, stamp))
    mark_used(tmp_path / "now")

    # WHEN at most one entry is kept, but none unused for less than two hours is deleted
    evict_least_recently_used(tmp_path, keep=1, idle_s=7200)

    # THEN the entry in recent use survives beyond the limit; the day-old ones are gone, nothing is left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hour", "now"]


def test_an_entry_a_process_holds_is_kept_until_it_is_released(tmp_path: Path) -> None:
    # GIVEN two old entries, one held by a running cloud
    for name in ("held", "free"):
        (tmp_path / name).mkdir()
        os.utime(tmp_path / name, (1_700_000_000, 1_700_000_000))
    descriptor = hold(tmp_path / "held")

    # WHEN nothing is to be kept
    evict_least_recently_used(tmp_path, keep=0, held=True)

    # THEN only the free one is deleted; released, the held one goes at the next eviction
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["held"]
    release(descriptor)
    evict_least_recently_used(tmp_path, keep=0, held=True)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []
