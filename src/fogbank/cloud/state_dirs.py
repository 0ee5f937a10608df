"""Where a cloud keeps its state when no --state-dir is given: `$FOGBANK_CACHE_DIR/clouds/fogbank-cloud-*`.

Not under /tmp: a Lambda environment's /tmp is its own (sandbox.mount_private_tmp), and a function that empties
its /tmp must find nothing of the cloud there. Each cloud holds an exclusive lock on `.lock` in its directory for
its life (the kernel drops it when the process dies, also by SIGKILL); `stop` deletes the directory. A cloud that
was killed leaves it behind: the next cloud to start deletes every sibling whose lock it can take and that is
older than `SWEEP_MIN_AGE_S` (a directory just made, whose cloud has not locked it yet, is never taken).

Example:
    >>> root = Path(tempfile.mkdtemp())
    >>> state, lock = create_state_dir(root)
    >>> state.parent == root, state.name.startswith(PREFIX), (state / LOCK_NAME).exists()
    (True, True, True)
    >>> release_state_dir(state, lock)
    >>> list(root.iterdir())
    []
    >>> root.rmdir()
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path

from fogbank.cloud.lambda_.machine_cache import shared_cache_root
from fogbank.errors import CloudError

__all__ = [
    "LOCK_NAME",
    "PREFIX",
    "SWEEP_MIN_AGE_S",
    "create_state_dir",
    "default_state_root",
    "lock_state_dir",
    "release_state_dir",
    "sweep_leftovers",
]

PREFIX = "fogbank-cloud-"
LOCK_NAME = ".lock"
# A leftover must be at least this old: between mkdtemp and the lock, a starting cloud's directory is unlocked.
SWEEP_MIN_AGE_S = 60.0


def default_state_root() -> Path:
    """`shared_cache_root() / "clouds"`: $FOGBANK_CACHE_DIR/clouds, default ~/.cache/fogbank/clouds."""
    return shared_cache_root() / "clouds"


def create_state_dir(root: Path | None = None) -> tuple[Path, int]:
    """A new state directory under `root` (default `default_state_root()`), locked by this process; leftovers
    of killed clouds there are deleted first. Returns it and the lock's descriptor (`release_state_dir`)."""
    root = root or default_state_root()
    root.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(root)
    state = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
    try:
        return state, lock_state_dir(state)
    except BaseException:
        shutil.rmtree(state, ignore_errors=True)  # nothing of a cloud that did not start stays behind
        raise


def lock_state_dir(state: Path) -> int:
    """Hold `state`'s lock for this cloud's life (its descriptor; `release_state_dir` or the process's end
    drops it), so that no other cloud's sweep deletes it. CloudError, naming the lock file and the next step,
    when the file system cannot lock (NFS without a lock daemon) or another live cloud holds it."""
    path = state / LOCK_NAME
    lock = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        raise CloudError(
            f"{state} is the state directory of another running local cloud (it holds {path}); choose "
            "another --state-dir, or leave it out for a new one"
        ) from None
    except OSError as exc:
        os.close(lock)
        raise CloudError(
            f"cannot lock {path} ({exc.strerror}): its file system does not support locks; set "
            "FOGBANK_CACHE_DIR to a local directory, or choose a --state-dir on a local disk"
        ) from exc
    return lock


def release_state_dir(state: Path, lock: int) -> None:
    """Delete `state` (made by `create_state_dir`), then drop its lock."""
    try:
        shutil.rmtree(state, ignore_errors=True)
    finally:
        with contextlib.suppress(OSError):
            os.close(lock)


def sweep_leftovers(root: Path, min_age_s: float = SWEEP_MIN_AGE_S) -> list[Path]:
    """Delete the state directories under `root` that no live cloud holds and older than `min_age_s`.
    Returns those deleted."""
    swept: list[Path] = []
    try:
        candidates = [p for p in root.iterdir() if p.name.startswith(PREFIX)]
    except OSError:
        return swept
    older_than = time.time() - min_age_s
    for state in candidates:
        lock = -1
        try:
            if state.is_symlink() or not state.is_dir() or state.stat().st_mtime > older_than:
                continue
            # only a directory a cloud made (it has the lock file from its first second): a folder of the
            # user's that merely matches the name is never taken
            lock = os.open(state / LOCK_NAME, os.O_RDWR)
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: its cloud is alive, kept
            shutil.rmtree(state, ignore_errors=True)
            swept.append(state)
        except OSError:
            continue
        finally:
            if lock >= 0:
                os.close(lock)
    return swept
