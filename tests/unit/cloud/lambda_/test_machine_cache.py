"""fogbank's machine-wide cache directory and its bounded entries (fogbank.cloud.lambda_.machine_cache)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.lambda_ import machine_cache
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


def _age(path: Path, seconds: float) -> None:
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


def test_work_directories_a_killed_process_left_behind_are_deleted_once_old(tmp_path: Path) -> None:
    # GIVEN what processes killed mid-unpack and mid-delete left (real files), an hour ago, and one unpack that
    # a live process started just now, beside an entry in use and its lock file
    for name in (".unpack-killed", ".evicted-killed", ".unpack-live"):
        (tmp_path / name / "awscli").mkdir(parents=True)
        (tmp_path / name / "awscli" / "module.py").write_text("x = 1\n")
    for name in (".unpack-killed", ".evicted-killed"):
        _age(tmp_path / name, 3600)
    (tmp_path / "entry").mkdir()
    release(hold(tmp_path / "entry"))

    # WHEN an eviction runs that keeps entries unused for less than ten minutes
    evict_least_recently_used(tmp_path, keep=8, idle_s=600, held=True)

    # THEN the old leftovers are gone; the live unpack, the entry and its lock file stay
    assert sorted(p.name for p in tmp_path.iterdir()) == [".entry.lock", ".unpack-live", "entry"]


def test_a_fresh_work_directory_is_kept_even_without_an_idle_time(tmp_path: Path) -> None:
    # GIVEN an unpack a live process started a minute ago
    (tmp_path / ".unpack-live").mkdir()
    _age(tmp_path / ".unpack-live", 60)

    # WHEN an eviction keeps nothing and waits for no idle time
    evict_least_recently_used(tmp_path, keep=0)

    # THEN the unpack under way is left alone: age, not the idle time alone, tells a leftover
    assert [p.name for p in tmp_path.iterdir()] == [".unpack-live"]


def test_an_eviction_that_loses_the_race_to_another_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an old entry, which another cloud's eviction takes away right after this one made its .evicted-
    # directory (stood in for here: the two processes' exact interleaving cannot be forced otherwise)
    (tmp_path / "old").mkdir()
    _age(tmp_path / "old", 86400)
    make_directory = machine_cache.tempfile.mkdtemp

    def the_other_cloud_wins(**kwargs: Any) -> str:
        doomed = make_directory(**kwargs)
        (tmp_path / "old").rename(tmp_path / "taken-by-the-other-cloud")
        return doomed

    monkeypatch.setattr(machine_cache.tempfile, "mkdtemp", the_other_cloud_wins)

    # WHEN this cloud's eviction renames it
    evict_least_recently_used(tmp_path, keep=0)

    # THEN its rename fails quietly and its empty .evicted- directory is gone too
    assert [p.name for p in tmp_path.iterdir()] == ["taken-by-the-other-cloud"]


def test_an_entry_gone_since_the_listing_does_not_stop_the_eviction(tmp_path: Path) -> None:
    # GIVEN two old entries and one that cannot be looked at any more (another cloud evicted it after the
    # listing: stood in for by a link to nothing, whose stat fails the same way)
    for name in ("old1", "old2"):
        (tmp_path / name).mkdir()
        _age(tmp_path / name, 86400)
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")

    # WHEN nothing is to be kept
    evict_least_recently_used(tmp_path, keep=0)

    # THEN the old entries are evicted all the same
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gone"]


def test_a_hold_that_fails_leaves_no_descriptor_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an entry, and a lock call that is interrupted
    (tmp_path / "entry").mkdir()

    def interrupted(descriptor: int, operation: int) -> None:
        raise InterruptedError("interrupted")

    monkeypatch.setattr(machine_cache.fcntl, "flock", interrupted)
    before = len(os.listdir("/proc/self/fd"))

    # WHEN holding it fails
    with pytest.raises(InterruptedError):
        hold(tmp_path / "entry")

    # THEN the lock file's descriptor was closed again
    assert len(os.listdir("/proc/self/fd")) == before
