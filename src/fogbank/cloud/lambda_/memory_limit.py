"""A function's MemorySize enforced as on Lambda: an environment that uses more is killed (memory cgroups).

At cloud start `MemoryLimits.start` probes the machine (`probe`): with a writable cgroup v1 memory hierarchy it
makes a per-cloud parent cgroup (`fogbank-<pid>` beside the cloud's own, leftovers of killed clouds swept), and
each execution environment gets a child cgroup when it learns its function (`EnvironmentLimit.admit`). Elsewhere
the cloud logs one warning saying that memory is not enforced and why (docs/local-cloud-lambda.md, Memory).

What counts (docs/local-cloud-lambda.md, Memory): the environment's anonymous memory (its processes' heap and
stacks, children included) plus `baseline`, the resident pages it shares with the zygote (charged to the
cloud's cgroup, not to the environment's). /tmp is a tmpfs here but disk on Lambda, so its pages (shmem) do not
count, nor does the page cache (reclaimable, as on Lambda). The kernel's hard limit is MemorySize - baseline +
EphemeralStorage (a backstop: anonymous memory alone must be over MemorySize to reach it, since /tmp cannot hold
more than EphemeralStorage); a usage threshold (cgroup.event_control + eventfd) at the point where anonymous
memory would pass MemorySize wakes one watcher thread, which reads memory.stat and kills the environment only when
anonymous memory is over, else re-arms the threshold higher, with a second one just below the usage that re-arms
it lower when /tmp or the page cache shrink again. No polling.

Example (skipped as a doctest: it needs a writable memory cgroup):
    >>> limits = MemoryLimits.start()  # doctest: +SKIP
    >>> limit = limits.environment(memory_mb=128, tmp_mb=512)  # doctest: +SKIP
    >>> limit.admit(pid, baseline_bytes=30 << 20)  # doctest: +SKIP
    >>> limit.exceeded()  # doctest: +SKIP
    False
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EnvironmentLimit", "MemoryLimits", "Probe", "anonymous_over", "probe", "resident_bytes"]

_log = logging.getLogger(__name__)
_MB = 1 << 20
_PREFIX = "fogbank-"
# above MemorySize + EphemeralStorage in the kernel's hard limit: what the cgroup is charged besides anonymous
# memory and /tmp (the kernel's own structures for it, page tables) must not reach the backstop first
_BACKSTOP_SLACK = 64 * _MB
# when /tmp or the page cache raised the threshold, a second one this far below the usage re-arms it lower once
# they shrink (a threshold fires only when crossed): anonymous memory can pass MemorySize unseen by at most this
_REARM_STEP = 8 * _MB
_MAX_CHECKS = 16  # re-arms in a row while the usage keeps moving past the thresholds being armed
_ENABLE_HINT = (
    "run the cloud as root where the cgroup v1 memory hierarchy is mounted writable (docs/local-cloud-lambda.md, "
    "Memory); set FOGBANK_LAMBDA_MEMORY_LIMITS=0 to silence this"
)


@dataclass(frozen=True)
class Probe:
    """What the machine allows: `parent_dir` is where the cloud's cgroup goes (None: not enforced, `reason`)."""

    parent_dir: Path | None
    reason: str = ""


def probe(proc_cgroup: Path = Path("/proc/self/cgroup"), root: Path = Path("/sys/fs/cgroup")) -> Probe:
    """Where memory limits can be enforced for this process, or why not.

    Example:
        >>> probe(Path("/nonexistent/cgroup")).parent_dir is None
        True
    """
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError as exc:
        return Probe(None, f"{proc_cgroup} cannot be read ({exc.strerror}): no cgroups here")
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            directory = root / "memory" / path.lstrip("/")
            if not (directory / "memory.limit_in_bytes").is_file():
                return Probe(None, f"the memory cgroup {directory} is not mounted here")
            if not os.access(directory, os.W_OK):
                return Probe(None, f"the memory cgroup {directory} is not writable by this user")
            return Probe(directory)
    if any(line.startswith("0::") for line in lines):
        return Probe(
            None,
            "this machine uses cgroup v2, where fogbank does not enforce memory limits yet (cgroup v1 only)",
        )
    return Probe(None, "no memory cgroup controller is enabled here")


def resident_bytes(pid: int) -> int:
    """The resident set (VmRSS) of `pid`, 0 when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def anonymous_over(stat: dict[str, int], baseline_bytes: int, memory_bytes: int) -> bool:
    """Whether an environment's memory, as Lambda counts it, is over its MemorySize: anonymous memory (rss,
    children included) plus the baseline shared with the zygote; /tmp (shmem) and the page cache do not count.

    Example:
        >>> anonymous_over({"total_rss": 100 << 20, "total_shmem": 300 << 20}, 20 << 20, 128 << 20)
        False
        >>> anonymous_over({"total_rss": 120 << 20}, 20 << 20, 128 << 20)
        True
    """
    return stat.get("total_rss", 0) + baseline_bytes > memory_bytes


def _read_stat(directory: Path) -> dict[str, int]:
    stat: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in (directory / "memory.stat").read_text().splitlines():
            key, _, value = line.partition(" ")
            stat[key] = int(value)
    return stat


class EnvironmentLimit:
    """The memory cgroup of one execution environment."""

    def __init__(self, limits: MemoryLimits, directory: Path, memory_mb: int, tmp_mb: int) -> None:
        self._limits = limits
        self.directory = directory
        self.memory_bytes = memory_mb * _MB
        self.tmp_bytes = tmp_mb * _MB
        self.baseline_bytes = 0
        self.killed = False  # for its memory: by the watcher, or by the kernel (the backstop)
        self._eventfds: list[int] = []  # the armed thresholds'
        self._threshold = 0
        self._low_threshold = 0  # 0: none armed
        self._moved: int | None = None  # the pid moved in
        self._released = False
        self._lock = threading.RLock()  # the watcher checks while the runtime's first request settles

    @property
    def procs(self) -> Path:
        """The file an environment writes `0` to to join this cgroup itself (before it runs any code)."""
        return self.directory / "cgroup.procs"

    def adopt(self, pid: int) -> None:
        """Move `pid` in ahead of need, on the watcher's thread (a move waits for an RCU grace period, about 12 ms
        here, which a spare pays while it waits rather than a cold start); its limits come with `admit`."""
        self._limits.later(lambda: self._move(pid))

    def resize(self, memory_mb: int, tmp_mb: int) -> None:
        """The MemorySize and EphemeralStorage of the function an adopted environment becomes (before `admit`)."""
        self.memory_bytes, self.tmp_bytes = memory_mb * _MB, tmp_mb * _MB

    def _move(self, pid: int) -> None:
        with self._lock:
            if self._released or self._moved == pid:
                return
            with contextlib.suppress(ProcessLookupError):  # a spare that died: its replacement joins itself
                self.procs.write_text(str(pid))
            self._moved = pid

    def admit(self, pid: int | None, baseline_bytes: int) -> None:
        """Set the limits for an environment whose shared baseline is `baseline_bytes` and move `pid` in (None: it
        joins itself through `procs`); the threshold is armed on the watcher's thread (registering one waits for
        an RCU grace period, about 14 ms, which no cold start should pay), which then checks the usage once, so
        that nothing passes unseen meanwhile. When the cgroup refuses, the environment runs unlimited and the
        cloud says so (a warning naming the cgroup and the error): a cold start never fails for its limit."""
        with self._lock:
            if self._released:
                return
            try:
                self._set_limits(baseline_bytes)
                if pid is not None:
                    self._move(pid)  # unless `adopt` did already
            except OSError as exc:
                _log.warning(
                    "the memory cgroup %s refused its limits (%s): this Lambda environment's MemorySize is NOT "
                    "enforced",
                    self.directory,
                    exc,
                )
                return
        self._limits.later(self._arm_and_check)

    def settle(self, pid: int) -> None:
        """Init is over: from now on the environment's figure starts at its runtime's resident set (`pid`'s VmRSS,
        what REPORT's Max Memory Used shows), whatever of it is charged elsewhere (the zygote's pages, the runtime's
        binaries read into the page cache by others); every anonymous page added later counts on top. Done on
        the watcher's thread."""
        self._limits.later(lambda: self._settle(pid))

    def charged_bytes(self) -> int:
        """The anonymous memory charged to this cgroup (memory.stat total_rss)."""
        return _read_stat(self.directory).get("total_rss", 0)

    def _set_limits(self, baseline_bytes: int) -> None:
        # caller holds self._lock
        self.baseline_bytes = max(0, baseline_bytes)
        hard = max(self.memory_bytes - self.baseline_bytes, 16 * _MB) + self.tmp_bytes + _BACKSTOP_SLACK
        (self.directory / "memory.limit_in_bytes").write_text(str(hard))
        # swap off: memory + swap may not exceed memory (the file is absent without swap accounting)
        with contextlib.suppress(OSError):
            (self.directory / "memory.memsw.limit_in_bytes").write_text(str(hard))
        with contextlib.suppress(OSError):
            (self.directory / "memory.swappiness").write_text("0")

    def _settle(self, pid: int) -> None:
        with self._lock:
            if self._released or self.killed:
                return
            baseline = max(0, resident_bytes(pid) - self.charged_bytes())
            if abs(baseline - self.baseline_bytes) >= _MB:
                try:
                    self._set_limits(baseline)
                except OSError as exc:  # e.g. it already uses more than the lower limit: the first one stays
                    _log.warning(
                        "the memory limit of %s could not follow its baseline (%s)", self.directory, exc
                    )
        self._arm_and_check()

    def _arm_and_check(self) -> None:
        """Arm the threshold where the environment's own memory reaches MemorySize, then check once."""
        with self._lock:
            if self._released or self.killed:
                return
            threshold = self.memory_bytes - self.baseline_bytes
            self._arm(threshold)
        self.check(rearm=False)

    def _arm(self, threshold: int, low: int = 0) -> None:
        """Notify the watcher when usage crosses `threshold` bytes, or `low` bytes (when not 0), either way."""
        # caller holds self._lock
        armed = [self._register(low)] if low > 0 else []
        try:
            armed.append(self._register(max(threshold, _MB)))
        except OSError:
            for efd in armed:
                os.close(efd)
            raise
        old, self._eventfds = self._eventfds, armed
        self._threshold, self._low_threshold = max(threshold, _MB), low
        for efd in armed:
            self._limits.watch(efd, self)
        for efd in old:
            self._limits.unwatch(efd)

    def _register(self, threshold: int) -> int:
        efd = os.eventfd(0, os.EFD_CLOEXEC | os.EFD_NONBLOCK)
        usage = os.open(self.directory / "memory.usage_in_bytes", os.O_RDONLY | os.O_CLOEXEC)
        try:
            (self.directory / "cgroup.event_control").write_text(f"{efd} {usage} {threshold}")
        except OSError:
            os.close(efd)
            raise
        finally:
            os.close(usage)
        return efd

    def check(self, rearm: bool = True) -> None:
        """The usage crossed a threshold: kill the environment when its memory is over MemorySize, else re-arm
        the threshold where its own memory would reach it with the rest unchanged (with `rearm` False: only when
        the usage is already past the armed ones). Arming takes a while: when the usage moved past a threshold
        meanwhile (e.g. a large /tmp file being deleted), it checks again."""
        with self._lock:
            for _ in range(_MAX_CHECKS):
                if self._released or self.killed:
                    return
                stat = _read_stat(self.directory)
                if anonymous_over(stat, self.baseline_bytes, self.memory_bytes):
                    self.killed = True
                    self.kill()
                    return
                try:
                    usage = self._usage()
                    if not (rearm or usage >= self._threshold or usage <= self._low_threshold):
                        return
                    anonymous = stat.get("total_rss", 0)
                    headroom = self.memory_bytes - self.baseline_bytes - anonymous
                    # /tmp or the page cache hold more than a step: re-arm lower when they shrink
                    low = usage - _REARM_STEP if usage - anonymous > _REARM_STEP else 0
                    self._arm(usage + max(headroom, _MB), low)
                    after = self._usage()
                except OSError:
                    return
                if self._low_threshold < after < self._threshold:
                    return
                rearm = True

    def _usage(self) -> int:
        return int((self.directory / "memory.usage_in_bytes").read_text())

    def kill(self) -> None:
        """SIGKILL every process in the cgroup."""
        with contextlib.suppress(OSError):
            for pid in self.procs.read_text().split():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(pid), signal.SIGKILL)

    def exceeded(self) -> bool:
        """Whether the environment was killed for its memory (by the watcher or the kernel's OOM killer)."""
        if self.killed:
            return True
        with contextlib.suppress(OSError):
            for line in (self.directory / "memory.oom_control").read_text().splitlines():
                if line.startswith("oom_kill ") and int(line.split()[1]) > 0:
                    self.killed = True  # kept: the cgroup goes when the environment is stopped
        return self.killed

    def release(self, wait_s: float = 2.0) -> None:
        """The environment ends: stop watching, kill what is left of it (also a process that left its process
        group, as Lambda ends the whole sandbox) and remove the cgroup (waits up to `wait_s`). Idempotent."""
        with self._lock:
            if self._released:
                return
            self.exceeded()  # read before the cgroup goes
            self._released = True
            armed, self._eventfds = self._eventfds, []
        for efd in armed:
            self._limits.unwatch(efd)
        self.kill()
        _remove(self.directory, wait_s)


def _guarded(job: Callable[[], None]) -> None:
    try:
        job()
    except Exception:
        _log.exception("watching the memory of a Lambda environment failed")


def _remove(directory: Path, wait_s: float, quiet: bool = False) -> bool:
    """rmdir a cgroup (and its children), waiting up to `wait_s` for its last processes to be gone."""
    for child in _subdirs(directory):
        _remove(child, wait_s, quiet)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            directory.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:
            if time.monotonic() >= deadline:
                if not quiet:
                    _log.warning("the memory cgroup %s still has processes; it is left behind", directory)
                return False
            time.sleep(0.01)


def _subdirs(directory: Path) -> list[Path]:
    try:
        return [entry for entry in directory.iterdir() if entry.is_dir()]
    except OSError:
        return []


class MemoryLimits:
    """The cloud's memory cgroups: a parent per cloud, a child per environment, one watcher thread."""

    def __init__(self, parent: Path | None, reason: str = "") -> None:
        self.parent = parent
        self.reason = reason
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._watched: dict[int, EnvironmentLimit] = {}
        self._epoll: select.epoll | None = None
        self._wake_read, self._wake_write = -1, -1
        self._jobs: collections.deque[Callable[[], None]] = collections.deque()
        self._running = False
        self._idle = threading.Condition(self._lock)
        self._closing = False
        self._thread: threading.Thread | None = None
        if parent is not None:
            self._epoll = select.epoll()
            self._wake_read, self._wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
            self._epoll.register(self._wake_read, select.EPOLLIN)
            self._thread = threading.Thread(target=self._watch, name="lambda-memory", daemon=True)
            self._thread.start()

    @property
    def enforced(self) -> bool:
        return self.parent is not None

    @classmethod
    def start(cls, found: Probe | None = None) -> MemoryLimits:
        """Probe (unless `found` is given), sweep leftovers of killed clouds, make this cloud's parent cgroup.
        Logs one warning when memory cannot be enforced; FOGBANK_LAMBDA_MEMORY_LIMITS=0 turns it off."""
        if os.environ.get("FOGBANK_LAMBDA_MEMORY_LIMITS", "1") == "0":
            return cls(None, "FOGBANK_LAMBDA_MEMORY_LIMITS=0")
        found = found if found is not None else probe()
        if found.parent_dir is None:
            return cls._not_enforced(found.reason)
        sweep(found.parent_dir)
        parent = found.parent_dir / f"{_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
        try:
            parent.mkdir()
        except OSError as exc:
            return cls._not_enforced(f"cannot make the memory cgroup {parent} ({exc.strerror})")
        return cls(parent)

    @classmethod
    def _not_enforced(cls, reason: str) -> MemoryLimits:
        _log.warning(
            "Lambda MemorySize is NOT enforced here (%s): a function that needs more memory than its MemorySize "
            "passes locally and fails on AWS with Runtime.OutOfMemory. To enforce it, %s.",
            reason,
            _ENABLE_HINT,
        )
        return cls(None, reason)

    def environment(self, memory_mb: int, tmp_mb: int) -> EnvironmentLimit | None:
        """A new child cgroup for one environment (None when memory is not enforced or the cgroup fails)."""
        if self.parent is None:
            return None
        directory = self.parent / f"env-{next(self._ids)}"
        try:
            directory.mkdir()
        except OSError as exc:
            _log.warning("no memory cgroup for a Lambda environment (%s); its memory is not enforced", exc)
            return None
        return EnvironmentLimit(self, directory, memory_mb, tmp_mb)

    def watch(self, efd: int, limit: EnvironmentLimit) -> None:
        with self._lock:
            self._watched[efd] = limit
            if self._epoll is not None:
                self._epoll.register(efd, select.EPOLLIN)

    def unwatch(self, efd: int) -> None:
        with self._lock:
            if self._watched.pop(efd, None) is None:
                return
            if self._epoll is not None:
                with contextlib.suppress(OSError, ValueError):
                    self._epoll.unregister(efd)
        os.close(efd)  # closing the eventfd unregisters the threshold

    def later(self, job: Callable[[], None]) -> None:
        """Run `job` on the watcher's thread (in order)."""
        with self._lock:
            self._jobs.append(job)
        with contextlib.suppress(BlockingIOError):  # full: the watcher has yet to read the earlier wake-ups
            os.write(self._wake_write, b"j")

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until the watcher has run every job given so far (tests, diagnostics)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._jobs and not self._running, timeout)

    def _watch(self) -> None:
        assert self._epoll is not None
        while not self._closing:
            try:
                events = self._epoll.poll()
            except (OSError, ValueError):
                return
            for fd, _ in events:
                if fd == self._wake_read:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self._wake_read, 4096)
                    self._run_jobs()
                    continue
                with self._lock:
                    limit = self._watched.get(fd)
                    if limit is not None:
                        with contextlib.suppress(OSError):
                            os.eventfd_read(fd)
                if limit is not None:
                    _guarded(limit.check)

    def _run_jobs(self) -> None:
        while not self._closing:
            with self._lock:
                if not self._jobs:
                    break
                job = self._jobs.popleft()
                self._running = True
            try:
                _guarded(job)
            finally:
                with self._idle:
                    self._running = False
                    self._idle.notify_all()
        with self._idle:
            self._idle.notify_all()

    def close(self) -> None:
        """Stop the watcher and remove this cloud's cgroups (after its environments were stopped). Idempotent."""
        if self._thread is not None:
            self._closing = True
            os.write(self._wake_write, b"x")
            self._thread.join(timeout=5)
            self._thread = None
            with self._lock:
                watched, self._watched = list(self._watched), {}
            for efd in watched:
                os.close(efd)
            if self._epoll is not None:
                self._epoll.close()
            os.close(self._wake_read)
            os.close(self._wake_write)
        if self.parent is not None:
            for child in _subdirs(self.parent):
                _kill_all(child)
            _remove(self.parent, wait_s=5.0)


def _kill_all(directory: Path) -> None:
    with contextlib.suppress(OSError):
        for pid in (directory / "cgroup.procs").read_text().split():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(int(pid), signal.SIGKILL)


def sweep(parent_dir: Path) -> list[Path]:
    """Remove the cgroups that clouds which are no longer running left under `parent_dir`; returns them."""
    removed = []
    for directory in _subdirs(parent_dir):
        name = directory.name
        if not name.startswith(_PREFIX):
            continue
        pid = name.removeprefix(_PREFIX).split("-")[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        # its environments died with its zygote (parent-death signal): a cgroup that still has processes (a
        # cloud in another pid namespace sharing this hierarchy) is left alone
        if _remove(directory, wait_s=0.0, quiet=True):
            removed.append(directory)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
