"""fogbank's cache directory on this machine, shared by every cloud, and how its entries are kept bounded.

Entries are directories named by what decides their content (so any cloud may use any entry); each use marks
its entry (mtime), and `evict_least_recently_used` deletes all but the most recently used ones.

Example:
    >>> root = Path(tempfile.mkdtemp())
    >>> for age, name in enumerate(("new", "old", "older")):
    ...     (root / name).mkdir()
    ...     os.utime(root / name, (time.time() - age * 60,) * 2)
    >>> mark_used(root / "older")  # used again just now
    >>> evict_least_recently_used(root, keep=2)
    >>> sorted(p.name for p in root.iterdir())
    ['new', 'older']
    >>> shutil.rmtree(root)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path

__all__ = [
    "LEFTOVER_MIN_AGE_S",
    "WORK_PREFIXES",
    "evict_least_recently_used",
    "hold",
    "mark_used",
    "release",
    "shared_cache_root",
]


def shared_cache_root() -> Path:
    """$FOGBANK_CACHE_DIR, else $XDG_CACHE_HOME/fogbank, else ~/.cache/fogbank."""
    explicit = os.environ.get("FOGBANK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "fogbank"


def mark_used(entry: Path) -> None:
    """Record that `entry` was just used (its mtime), so that eviction keeps it."""
    with contextlib.suppress(OSError):
        os.utime(entry)


def hold(entry: Path) -> int:
    """Mark `entry` as in use by this process until `release` (or the process's end, also a crash: the kernel
    drops the lock): `evict_least_recently_used` then leaves it. A shared lock on `.<name>.lock` beside it; take
    it before checking that the entry exists (an eviction holding it finishes first). Returns its descriptor."""
    descriptor = os.open(entry.parent / f".{entry.name}.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH)
    except BaseException:  # e.g. interrupted: the descriptor is not handed out, so it is closed here
        os.close(descriptor)
        raise
    return descriptor


def release(descriptor: int) -> None:
    """End a `hold`."""
    with contextlib.suppress(OSError):
        os.close(descriptor)


# Prefixes of the directories that unpacking (`.unpack-*`, code.py) and eviction (`.evicted-*`) work in: a
# process killed meanwhile leaves one behind (the AWS CLI layer set: about 48 MB).
WORK_PREFIXES = (".unpack-", ".evicted-")
# A work directory is a leftover only once it is this old (and `idle_s` old): unpacking the AWS CLI layer set
# takes seconds, so no live process is still writing one this old.
LEFTOVER_MIN_AGE_S = 600.0


def evict_least_recently_used(directory: Path, keep: int, *, idle_s: float = 0.0, held: bool = False) -> None:
    """Delete all but the `keep` most recently used entries of `directory`; with `idle_s`, only those unused
    for that long; with `held` (entries are `hold`-ed by their users), never one that a process holds. An entry
    is first renamed out of the way, so that no cloud starts using a half-deleted one. (Lock files stay, one
    empty file per entry name: removing one could let two processes lock different files of the same name.)
    Work directories that a killed process left behind (`WORK_PREFIXES`) go too, once older than `idle_s` and
    `LEFTOVER_MIN_AGE_S`."""
    try:
        names = list(directory.iterdir())
    except OSError:
        return
    used_at = {path: _mtime(path) for path in names if not path.name.startswith(".")}
    entries = sorted(  # an entry another cloud evicted since the listing is simply not among them
        (path for path, at in used_at.items() if at is not None),
        key=lambda path: used_at[path] or 0.0,
        reverse=True,
    )
    now = time.time()
    _delete_leftovers(names, now - max(idle_s, LEFTOVER_MIN_AGE_S))
    for stale in entries[keep:]:
        doomed: Path | None = None
        lock = -1
        try:
            if now - stale.stat().st_mtime < idle_s:
                continue
            if held:
                lock = os.open(directory / f".{stale.name}.lock", os.O_CREAT | os.O_RDWR, 0o644)
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: in use, kept
            doomed = Path(tempfile.mkdtemp(prefix=".evicted-", dir=directory))
            stale.rename(doomed / stale.name)  # fails if another cloud evicted it first
        except OSError:
            pass
        finally:
            if lock >= 0:
                os.close(lock)  # before deleting: a cloud waiting to use this name need not wait for that
            if doomed is not None:
                shutil.rmtree(doomed, ignore_errors=True)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _delete_leftovers(names: list[Path], older_than: float) -> None:
    """Delete the work directories among `names` last changed before `older_than` (a time)."""
    for leftover in names:
        if not leftover.name.startswith(WORK_PREFIXES):
            continue
        with contextlib.suppress(OSError):
            if leftover.lstat().st_mtime < older_than and leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
