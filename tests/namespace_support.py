"""Helpers for tests that enter Linux namespaces: only ever in a forked child, never in the test process."""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Callable

__all__ = ["as_a_host_whose_var_is_a_tmpfs", "in_forked_child"]


def in_forked_child(body: Callable[[], bytes]) -> bytes:
    """What `body` returns when run in a forked child (which may enter namespaces this process must not)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(read_end)
            os.write(write_end, body())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        seen = pipe.read()
    os.waitpid(pid, 0)
    return seen


def as_a_host_whose_var_is_a_tmpfs() -> None:
    """In this forked child only: its own mount namespace (in a user namespace unless root) with a tmpfs over
    /var, so that it plays a host whose /var holds what the test makes there (a /var/task, a /var/lang, a state
    directory on a volume of its own). This machine's /var is never written."""
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(0x00020000 if os.geteuid() == 0 else 0x10000000 | 0x00020000) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    if os.geteuid() != 0 or uid != 0:
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"{uid} {uid} 1"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            with contextlib.suppress(OSError), open(f"/proc/self/{name}", "w") as file:
                file.write(text)
    for args in (
        (b"none", b"/", None, 16384 | (1 << 18), None),
        (b"tmpfs", b"/var", b"tmpfs", 0, b"mode=0755"),
    ):
        if libc.mount(*args) != 0:
            raise OSError(ctypes.get_errno(), f"mount {args[1]!r}")
