"""Whether this machine can give execution environments their namespaces: the zygote asks once, at start.

`probe_namespaces(probe_dir)` forks a child that takes every step an environment takes (sandbox.py) with
`probe_dir` (<state>/lambda/opt-probe) as layers and code, and checks each: layers at /opt, read-only; a
private /tmp; code at /var/task, read-only, and its own bytecode directory at `<prefix>/var/task`. It answers
why /opt (with the private /tmp) cannot be had, and why /var/task cannot, each None when it works: /var/task
needs /var overlaid (Linux 5.11 or later in a user namespace), and fails where something every environment needs
lies under the host's /var/task (`needed_by_every_environment`), which the code would cover.

Standard library only: it runs inside the runtime (linked there as `fogbank_probe`).

Example (skipped as a doctest: it forks the process):
    >>> probe_namespaces("/tmp/state/lambda/opt-probe")  # doctest: +SKIP
    (None, None)
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fogbank.cloud.lambda_ import sandbox
else:
    try:  # in the cloud
        from fogbank.cloud.lambda_ import sandbox
    except ImportError:  # in the runtime directory, beside this module
        import fogbank_sandbox as sandbox

__all__ = ["needed_by_every_environment", "probe_namespaces", "probe_opt_namespace"]

OPT, TMP, VAR_TASK = sandbox.OPT, sandbox.TMP, sandbox.VAR_TASK


def probe_opt_namespace(opt_dir: str) -> str | None:
    """Try the mechanism in a forked child; None when it works, else why not. Call from a single thread."""
    return probe_namespaces(opt_dir)[0]


def probe_namespaces(opt_dir: str) -> tuple[str | None, str | None]:
    """Try the mechanism in a forked child: (why /opt and a private /tmp cannot be mounted, why the code cannot
    be shown at /var/task), each None when it works. Call from a single thread.

    /var/task needs more than /opt (/var overlaid), so it may fail alone; where /opt fails, so does /var/task.
    It also fails where something every environment needs lies under the host's /var/task
    (`needed_by_every_environment` of `opt_dir`'s parent, the cloud's <state>/lambda): the code would cover it.
    The probe tries every mount an environment makes, the code's bytecode directory at `<prefix>/var/task` too
    (it leaves `<state>/lambda/pycache-by-code/<probe>` and the prefix's mount point behind)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read_end)
        answer: dict[str, str | None] = {"opt": "the probe stopped early", "var_task": None}
        try:
            host_tmp = os.stat(TMP).st_dev
            needed = needed_by_every_environment(os.path.dirname(os.path.abspath(opt_dir)))
            covered = sandbox.what_var_task_would_cover(needed)
            sandbox.enter_mount_namespace(sandbox._scratch_for(opt_dir))
            try:  # as mount_function does: in the namespace (a mount of another one cannot be bound), first
                bytecode, cannot_hold = sandbox._hold_task_bytecode(opt_dir, opt_dir), None
            except OSError as exc:
                bytecode, cannot_hold = -1, exc
            sandbox.mount_function(opt_dir, opt_dir, tmp_mb=1)
            if not os.path.samefile(OPT, opt_dir):
                raise OSError(f"{OPT} does not show the layers after the bind mount")
            if not os.statvfs(OPT).f_flag & os.ST_RDONLY:
                raise OSError(f"{OPT} is still writable after the read-only remount")
            if os.stat(TMP).st_dev == host_tmp:
                raise OSError(f"{TMP} is still the host's after mounting a private tmpfs on it")
            answer["opt"] = None
            if cannot_hold is not None:
                raise cannot_hold
            if covered is not None:
                raise OSError(
                    f"{covered} lies under this machine's {VAR_TASK}, which each environment's code covers, and "
                    f"every environment needs it; move it out of {VAR_TASK} (choose --state-dir, "
                    f"FOGBANK_CACHE_DIR or the virtualenv elsewhere) to have code at {VAR_TASK}"
                )
            libc = ctypes.CDLL(None, use_errno=True)
            sandbox._mount_var_task(libc, opt_dir)
            if not os.path.samefile(VAR_TASK, opt_dir):
                raise OSError(f"{VAR_TASK} does not show the code after the bind mount")
            if not os.statvfs(VAR_TASK).f_flag & os.ST_RDONLY:
                raise OSError(f"{VAR_TASK} is still writable after the read-only remount")
            sandbox._mount_task_bytecode(libc, opt_dir, bytecode)
            shown, own = (
                os.stat(os.path.join(sandbox.pycache_prefix(opt_dir), VAR_TASK.lstrip("/"))),
                os.fstat(bytecode),
            )
            if (shown.st_dev, shown.st_ino) != (own.st_dev, own.st_ino):
                raise OSError(
                    f"the bytecode prefix's {VAR_TASK} does not show the code's own after the bind mount"
                )
        except OSError as exc:
            answer["opt" if answer["opt"] else "var_task"] = str(exc)[:2000]
        finally:
            with contextlib.suppress(BaseException):
                os.write(write_end, json.dumps(answer).encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        raw = pipe.read().decode(errors="replace")
    os.waitpid(pid, 0)
    try:
        answer = json.loads(raw)
    except ValueError:
        died = raw or "the probe process died"
        return died, died
    opt_error, var_task_error = answer.get("opt"), answer.get("var_task")
    return opt_error, (var_task_error or opt_error)


def needed_by_every_environment(lambda_state: str) -> list[str]:
    """What every environment opens by its host path, whatever its function: the cloud's state directory (the
    parent of `lambda_state`), the machine cache (`$FOGBANK_CACHE_DIR`, which the cloud gives the zygote), this
    interpreter's prefixes and directory, fogbank's runtime modules (their sources, and Node.js's bootstrap
    beside them) and the Node.js installation."""
    needed = [
        os.path.dirname(os.path.abspath(lambda_state)),
        sys.prefix,
        sys.base_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
        os.path.dirname(os.path.realpath(__file__)),
    ]
    node = shutil.which("node")
    if node:
        needed.append(os.path.dirname(os.path.dirname(os.path.realpath(node))))
    if os.environ.get("FOGBANK_CACHE_DIR"):
        needed.append(os.environ["FOGBANK_CACHE_DIR"])
    return needed
