"""What an execution environment opens by its host path stays reachable where its namespace covers the host's.

An environment's namespace covers two host directories (sandbox.py): /tmp with its own tmpfs, and /var with an
overlay (for /var/lang and /var/task). The cloud's state directory, the machine cache, the interpreter and what
the runtime links to may lie under either (a `--state-dir` under /tmp or /var/tmp, Jenkins' HOME under
/var/lib). Each such directory is held open (an O_PATH descriptor) before its root is covered, then bind-mounted
at its path again: read-only but for the writable ones (the bytecode caches), each in its own mode however they
nest (`kept_mounts`). For /var the host's root itself is held (`host_view`), because an environment forked ahead
of need covers /var before it knows what its function opens.

Standard library only: it runs inside the runtime (linked there as `fogbank_kept_paths`).

Example:
    >>> host_view("/var/tmp/state", "/var", 7)
    '/proc/self/fd/7/tmp/state'
    >>> host_view("/home/me", "/var", 7)
    '/home/me'
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Mapping, Sequence

__all__ = [
    "MS_BIND",
    "MS_REC",
    "bind_held",
    "check",
    "hold",
    "host_realpath",
    "host_view",
    "is_within",
    "kept_mounts",
    "paths_under",
    "remount_read_only",
    "resolve",
    "wanted_and_writable",
]

MS_BIND = 4096
MS_REC = 16384
_MS_RDONLY = 1
_MS_REMOUNT = 32
_MS_RELATIME = 1 << 21
# Flags of a mount that a user namespace may not clear (the kernel locks them): kept when remounting read-only.
_LOCKED_FLAGS = {
    os.ST_NOSUID: 2,
    os.ST_NODEV: 4,
    os.ST_NOEXEC: 8,
    os.ST_NOATIME: 1024,
    os.ST_NODIRATIME: 2048,
    os.ST_RELATIME: _MS_RELATIME,
}
_MAX_LINKS = 40  # as the kernel's path walk (ELOOP past it)


def is_within(path: str, root: str) -> bool:
    """`path` is `root` or lies under it (both absolute and normalised)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def resolve(path: str) -> str:
    """`os.path.realpath(path)` from the kernel's own walk: an open and a readlink instead of a system call per
    component (about half the time on a cold start's paths); a missing path as `os.path.realpath` has it.

    >>> resolve("/") == os.path.realpath("/")
    True
    """
    try:
        descriptor = os.open(path, os.O_PATH)
    except OSError:
        return os.path.realpath(path)
    try:
        return os.readlink(f"/proc/self/fd/{descriptor}")
    finally:
        os.close(descriptor)


def host_view(path: str, root: str, host: int | None) -> str:
    """A path that reaches the host's `path` through `host`, an O_PATH descriptor of the host's `root` held
    before this namespace covered it (`path` itself when it is not under `root`, or nothing is held)."""
    if host is None or not is_within(path, root):
        return path
    return f"/proc/self/fd/{host}{path[len(root.rstrip(os.sep)) :]}"


def host_realpath(path: str, root: str, host: int) -> str:
    """`path` with its links resolved as the host has them: under `root` (covered here, held as `host`) each
    component is read through `host`; an absolute link target starts again from `/`. A link loop leaves `path`."""
    resolved, pending, links = "/", path.split(os.sep)[::-1], 0
    while pending:
        name = pending.pop()
        if name in ("", "."):
            continue
        if name == "..":
            resolved = os.path.dirname(resolved)
            continue
        candidate = os.path.join(resolved, name)
        try:
            if candidate == root:
                raise OSError("the held root is a directory")
            target = os.readlink(host_view(candidate, root, host))
        except OSError:  # not a link (or missing): taken as it is
            resolved = candidate
            continue
        links += 1
        if links > _MAX_LINKS:
            return path
        if target.startswith(os.sep):
            resolved = os.sep
        pending.extend(target.split(os.sep)[::-1])
    return resolved


def paths_under(
    root: str, paths: Sequence[str], resolved: Mapping[str, str], host: int | None = None
) -> dict[str, str]:
    """{path as seen: what it resolves to} for each directory of `paths` (`resolved`: their realpaths here,
    else computed), and its resolution, under `root`. With `host` (the host's `root`, which this namespace
    covers), resolved and found as the host has them; a path this namespace still resolves to the same place is
    left out (the kernel reaches its resolution through it)."""
    roots = {root, os.path.realpath(root)}
    wanted: dict[str, str] = {}
    for path in paths:
        seen_as, seen_real = os.path.abspath(path), resolved.get(path) or resolve(path)
        if not any(is_within(p, r) for p in (seen_as, seen_real) for r in roots):
            continue  # string checks first: most paths lie elsewhere, and cost no system call then
        real = seen_real
        if host is not None and is_within(seen_real, root):
            real = host_realpath(seen_real, root, host)
        if not os.path.isdir(host_view(real, root, host)):
            continue
        for candidate in (seen_as, real):
            if host is not None and candidate != real and seen_real == real:
                continue
            if any(candidate.startswith(r + os.sep) for r in roots):
                wanted.setdefault(candidate, real)
    return wanted


def wanted_and_writable(
    root: str,
    read_only: Sequence[str],
    writable: Sequence[str],
    resolved: Mapping[str, str],
    host: int | None = None,
) -> tuple[dict[str, str], set[str]]:
    """`paths_under` of `read_only` and `writable` together (read-only ones first), and which are writable."""
    read_write = paths_under(root, writable, resolved, host)
    wanted = paths_under(root, read_only, resolved, host)
    for path, real in read_write.items():
        wanted.setdefault(path, real)
    return wanted, set(read_write)


def kept_mounts(wanted: dict[str, str], read_write: set[str]) -> list[tuple[str, str]]:
    """The (path, resolution) pairs of `wanted` to bind-mount, outer paths first. A path inside another one is
    left out when it is reached through that one as itself in the same mode (nothing to add); otherwise it is
    mounted on top, so that it keeps its own mode (or its own resolution).

    >>> kept_mounts({"/tmp/s": "/tmp/s", "/tmp/s/code": "/tmp/s/code", "/tmp/s/pyc": "/tmp/s/pyc"}, {"/tmp/s/pyc"})
    [('/tmp/s', '/tmp/s'), ('/tmp/s/pyc', '/tmp/s/pyc')]
    """
    mounts: list[tuple[str, str]] = []
    for path in sorted(wanted):  # a parent sorts before what lies inside it
        enclosing = [(outer, real) for outer, real in mounts if path.startswith(outer + os.sep)]
        if enclosing:
            outer, outer_real = max(enclosing, key=lambda mount: len(mount[0]))
            same_mode = (path in read_write) == (outer in read_write)
            if same_mode and wanted[path] == outer_real + path[len(outer) :]:
                continue
        mounts.append((path, wanted[path]))
    return mounts


def hold(mounts: list[tuple[str, str]], root: str, host: int | None = None) -> list[tuple[str, int]]:
    """(path, O_PATH descriptor of its resolution, through `host` when under `root`) for each of `mounts`:
    they stay reachable once `root` is covered."""
    held: list[tuple[str, int]] = []
    try:
        for path, real in mounts:
            held.append((path, os.open(host_view(real, root, host), os.O_PATH | os.O_DIRECTORY)))
    except OSError:
        for _, fd in held:
            os.close(fd)
        raise
    return held


def bind_held(libc: ctypes.CDLL, held: list[tuple[str, int]], read_write: set[str]) -> None:
    """Bind-mount each of `held` at its path (made where missing), in order, read-only but for `read_write`;
    the descriptors are closed."""
    try:
        for path, fd in held:  # outer paths first: an inner one is mounted on top, in its own mode
            if not os.path.isdir(path):
                os.makedirs(path, exist_ok=True)
            source = f"/proc/self/fd/{fd}".encode()
            check(
                libc.mount(source, path.encode(), None, MS_BIND | MS_REC, None), f"keeping {path} reachable"
            )
            if path not in read_write:
                remount_read_only(libc, path)
    finally:
        for _, fd in held:
            os.close(fd)


def remount_read_only(libc: ctypes.CDLL, path: str) -> None:
    """Make the bind mount at `path` read-only, keeping the flags a user namespace may not clear."""
    current = os.statvfs(path).f_flag
    flags = _MS_REMOUNT | MS_BIND | _MS_RDONLY
    for statvfs_flag, mount_flag in _LOCKED_FLAGS.items():
        if current & statvfs_flag:
            flags |= mount_flag
    check(libc.mount(b"none", path.encode(), None, flags, None), f"making {path} read-only")


def check(result: int, step: str) -> None:
    """Raise OSError naming `step` when a libc call returned non-zero."""
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{step} failed: {os.strerror(errno)}")
