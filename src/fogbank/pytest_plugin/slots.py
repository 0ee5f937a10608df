"""Stack slots: at most N stacks of one run exist at once, across every pytest-xdist worker.

Each slot is a lock file in a folder that all workers of the run share; a process that dies releases its
locks with it, so a killed worker never holds a slot.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = tempfile.TemporaryDirectory()
    >>> slots = StackSlots(Path(folder.name), count=2)
    >>> first, second = slots.try_acquire(), slots.try_acquire()
    >>> slots.try_acquire() is None  # both slots are held
    True
    >>> first.release()
    >>> slots.try_acquire() is not None
    True
    >>> folder.cleanup()
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

__all__ = ["Slot", "StackSlots"]


class Slot:
    """One held slot; `release()` is idempotent and may run on any thread."""

    def __init__(self, lock: FileLock) -> None:
        self._lock = lock

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)


class StackSlots:
    """`count` slots shared by every process that uses the same `folder`."""

    def __init__(self, folder: Path, count: int) -> None:
        if count < 1:
            raise ValueError(f"--fogbank-max-stacks must be 1 or more, not {count}")
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.count = count

    def try_acquire(self) -> Slot | None:
        """A free slot, or None when all `count` are held."""
        for index in range(self.count):
            lock = FileLock(self.folder / f"stack-slot-{index}.lock", thread_local=False)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                continue
            return Slot(lock)
        return None
