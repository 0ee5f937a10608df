"""A cloud's default state directory (fogbank.cloud.state_dirs): out of /tmp, locked for the cloud's life, and
left behind by a killed cloud only until the next cloud starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fogbank.cloud import state_dirs
from fogbank.cloud.state_dirs import (
    LOCK_NAME,
    PREFIX,
    SWEEP_MIN_AGE_S,
    create_state_dir,
    default_state_root,
    lock_state_dir,
    release_state_dir,
    sweep_leftovers,
)
from fogbank.errors import CloudError

# a process that makes a state directory under argv[1], prints it, and lives until killed
HOLDER = """
import sys, time
from pathlib import Path
from fogbank.cloud.state_dirs import create_state_dir
state, _ = create_state_dir(Path(sys.argv[1]))
print(state, flush=True)
time.sleep(600)
"""


def _backdate(path: Path, age_s: float) -> None:
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))


def _holder(root: Path) -> tuple[subprocess.Popen[str], Path]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    assert process.stdout is not None
    return process, Path(process.stdout.readline().strip())


def test_the_default_root_is_the_machine_cache_not_tmp(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no FOGBANK_CACHE_DIR nor XDG_CACHE_HOME, then FOGBANK_CACHE_DIR
    monkeypatch.delenv("FOGBANK_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    default = default_state_root()
    monkeypatch.setenv("FOGBANK_CACHE_DIR", "/srv/cache")

    # WHEN / THEN clouds live in the cache directory's clouds/ folder
    assert default == Path.home() / ".cache" / "fogbank" / "clouds"
    assert default_state_root() == Path("/srv/cache/clouds")


def test_a_cloud_killed_by_sigkill_leaves_its_directory_until_the_next_start_sweeps_it(
    tmp_path: Path,
) -> None:
    # GIVEN a process holding a state directory, killed by SIGKILL, and one still alive
    killed, left = _holder(tmp_path)
    alive, kept = _holder(tmp_path)
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        assert left.is_dir()
        for state in (left, kept):  # both older than the sweep's minimum age
            _backdate(state, SWEEP_MIN_AGE_S + 5)

        # WHEN another cloud makes its state directory
        state, lock = create_state_dir(tmp_path)

        # THEN the dead one's directory is gone, the live one's and the new one stay
        assert not left.exists()
        assert kept.is_dir() and (kept / LOCK_NAME).exists()
        assert state.is_dir() and state.name.startswith(PREFIX)
        release_state_dir(state, lock)
        assert not state.exists()
    finally:
        alive.kill()
        alive.wait(timeout=10)
        killed.wait(timeout=10)


def test_a_directory_younger_than_the_minimum_age_is_never_swept(tmp_path: Path) -> None:
    # GIVEN an unlocked state directory made just now (a cloud between mkdtemp and its lock), and an old one
    young = tmp_path / f"{PREFIX}young"
    old = tmp_path / f"{PREFIX}old"
    for made in (young, old):  # as a cloud makes one: its lock file from its first moment
        made.mkdir()
        (made / LOCK_NAME).touch()
    _backdate(old, SWEEP_MIN_AGE_S + 5)
    other = tmp_path / "not-a-cloud"
    other.mkdir()
    _backdate(other, SWEEP_MIN_AGE_S + 5)

    # WHEN a cloud starts there
    state, lock = create_state_dir(tmp_path)
    release_state_dir(state, lock)

    # THEN only the old unlocked cloud directory went
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([young.name, other.name])


def test_a_folder_of_the_user_that_only_matches_the_name_is_never_swept(tmp_path: Path) -> None:
    # GIVEN an old folder named like a state directory that no cloud made (no lock file in it)
    mine = tmp_path / f"{PREFIX}mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    _backdate(mine, SWEEP_MIN_AGE_S + 5)

    # WHEN leftovers are swept
    swept = sweep_leftovers(tmp_path)

    # THEN it is kept as it was
    assert swept == [] and (mine / "notes.txt").read_text() == "keep me"


def test_a_directory_another_live_cloud_locked_is_refused_by_name(tmp_path: Path) -> None:
    # GIVEN a state directory a cloud holds
    state, lock = create_state_dir(tmp_path)
    try:
        # WHEN another cloud is pointed at it (--state-dir)
        with pytest.raises(CloudError) as refused:
            lock_state_dir(state)
        # THEN it is refused, naming the directory and the next step; the first cloud keeps it
        assert str(state) in str(refused.value) and "--state-dir" in str(refused.value)
        assert state.is_dir()
    finally:
        release_state_dir(state, lock)


def test_a_file_system_that_cannot_lock_is_named_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a cache directory whose file system refuses locks (NFS without its lock daemon: ENOLCK), stood in
    # for by the lock call failing as it does there
    def no_locks(descriptor: int, operation: int) -> None:
        raise OSError(37, "No locks available")

    monkeypatch.setattr(state_dirs.fcntl, "flock", no_locks)
    before = len(os.listdir("/proc/self/fd"))

    # WHEN a cloud makes its state directory there
    with pytest.raises(CloudError) as refused:
        create_state_dir(tmp_path)

    # THEN the error names the lock file and what to do; no directory and no descriptor stay behind
    assert LOCK_NAME in str(refused.value) and "No locks available" in str(refused.value)
    assert "FOGBANK_CACHE_DIR" in str(refused.value)
    assert list(tmp_path.iterdir()) == []
    assert len(os.listdir("/proc/self/fd")) == before
