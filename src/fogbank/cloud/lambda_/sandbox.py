"""Layers at /opt, code at /var/task, without root or Docker: a Linux user + mount namespace per environment.

An execution environment calls `enter_opt_namespace(opt_dir, task_root)` right after it was forked (it must be
single-threaded: the kernel refuses CLONE_NEWUSER otherwise). It unshares a user namespace (mapping the
caller's uid and gid to themselves) and a mount namespace, makes every mount private, and bind-mounts the
function's merged layers over `/opt` (with `at_var_task`, its code over `/var/task` too). Only that process and
its children see them; the host's `/opt` and `/var` are untouched. As root, no user namespace is needed (only
the mount namespace). `/opt` and the task root are then read-only in that namespace, as on Lambda: a write
fails with `OSError: [Errno 30] Read-only file system`. What the environment opens by its host path under the
/tmp and /var it covers stays reachable (kept_paths.py).

This module is standard library only: it runs inside the runtime (linked there as `fogbank_sandbox`).

Example (skipped as a doctest: it forks the process):
    >>> pid = os.fork()  # doctest: +SKIP
    >>> if pid == 0:  # doctest: +SKIP
    ...     enter_opt_namespace("/tmp/state/lambda/opt/abc", "/tmp/state/lambda/code/def")
    ...     os.listdir("/opt")  # the layers' python/, nodejs/, bin/ ...
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import sys
import sysconfig
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fogbank.cloud.lambda_ import kept_paths
else:
    try:  # in the cloud
        from fogbank.cloud.lambda_ import kept_paths
    except ImportError:  # in the runtime directory, beside this module
        import fogbank_kept_paths as kept_paths

__all__ = [
    "LAMBDA_PYTHON_NAME",
    "LIBRARY_PATH_SLOTS",
    "OPT",
    "PYCACHE_BY_CODE",
    "PYCACHE_BY_OPT",
    "TMP",
    "VAR",
    "VAR_LANG",
    "VAR_TASK",
    "enter_mount_namespace",
    "enter_opt_namespace",
    "inodes_for",
    "library_path_slot_dir",
    "mount_function",
    "mount_private_tmp",
    "pycache_prefix",
    "task_bytecode_dir",
    "what_var_task_would_cover",
]

OPT = "/opt"
TMP = "/tmp"
VAR = "/var"
VAR_LANG = "/var/lang"
VAR_TASK = "/var/task"
# <state>/lambda/pycache-by-opt/<key>: the compiled modules of environments that show <state>/lambda/opt/<key>
PYCACHE_BY_OPT = "pycache-by-opt"
# <state>/lambda/pycache-by-code/<hash>: the compiled modules of the code unpacked at <state>/lambda/code/<hash>,
# mounted at <prefix>/var/task in the namespace of each environment that shows that code at /var/task
PYCACHE_BY_CODE = "pycache-by-code"
_SITE_PACKAGES = f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
# Lambda's interpreter: a function's sys.executable is /var/lang/bin/python3.<minor> there
LAMBDA_PYTHON_NAME = f"python{sys.version_info.major}.{sys.version_info.minor}"
# The zygote's LD_LIBRARY_PATH names these slots (library_path.py): empty directories on the host, links to the
# environment's own directories in its namespace (in the scratch tmpfs that holds /var's overlay).
LIBRARY_PATH_SLOTS = (("var-task", VAR_TASK), ("var-task-lib", f"{VAR_TASK}/lib"), ("opt-lib", f"{OPT}/lib"))
# Set by _provide_var_lang: this process's /var/lang is the private one it made (so mount_function may write there).
_own_var_lang: list[bool] = []
# Set by _provide_var_lang: an O_PATH descriptor of the host's /var, held before the overlay covered it;
# mount_function binds back from it what the environment opens there (`_keep_host_var`), then closes it.
_host_var: list[int] = []
_bound_from_host: set[tuple[str, str]] = set()  # (path, resolution) bound back from `_host_var` already
# The zygote's bytecode prefix, bound back writable for a spare's own imports: read-only once it is a function's.
_zygote_bytecode: list[str] = []
_var_overlaid: list[bool] = []  # set by _provide_var_lang once /var is this namespace's overlay
_var_lang_covered: list[
    bool
] = []  # set by _provide_var_lang where the host's /var/lang is covered by a mount
# /var's overlay keeps its changes here: /var/lang's links and config and mount points only. A function writing
# under /var gets ENOSPC past this instead of taking the machine's memory (a tmpfs is half of it by default).
_SCRATCH_OPTIONS = b"size=1m,nr_inodes=1024,mode=0755"
_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_MS_BIND = kept_paths.MS_BIND
_MS_REC = kept_paths.MS_REC
_MS_PRIVATE = 1 << 18


def enter_opt_namespace(
    opt_dir: str,
    task_root: str,
    tmp_mb: int | None = None,
    keep: Sequence[str] = (),
    writable: Sequence[str] = (),
    *,
    at_var_task: bool = False,
) -> None:
    """Show `opt_dir` at /opt to this process and its children, /opt and `task_root` read-only (`at_var_task`:
    shown at /var/task); with `tmp_mb`, a private /tmp of that size (`mount_private_tmp`, `keep` reachable).
    Raises OSError naming the failed step."""
    enter_mount_namespace(_scratch_for(opt_dir))
    mount_function(opt_dir, task_root, tmp_mb, keep, writable, at_var_task=at_var_task)


def _scratch_for(opt_dir: str) -> str:
    """Layers are unpacked at <state>/lambda/opt/<hash>: the /var/lang scratch is <state>/lambda/var-lang."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(opt_dir))), "var-lang")


def enter_mount_namespace(scratch: str) -> None:
    """The part of `enter_opt_namespace` that is the same for every function: a private mount namespace (in a
    user namespace unless root) with `/var/lang` and an empty `/var/task` provided (a tmpfs is mounted on
    `scratch` for them). A pre-forked environment does this before it knows its function; `mount_function` then
    shows the function's layers and code."""
    libc = ctypes.CDLL(None, use_errno=True)
    if not os.path.isdir(OPT):
        raise OSError(f"{OPT} does not exist on this machine, so there is nothing to mount the layers over")
    uid, gid = os.getuid(), os.getgid()
    flags = _CLONE_NEWNS if os.geteuid() == 0 else _CLONE_NEWUSER | _CLONE_NEWNS
    _check(libc.unshare(flags), "unshare(CLONE_NEWUSER|CLONE_NEWNS)")
    if flags & _CLONE_NEWUSER:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _check(libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "making the mounts private")
    with contextlib.suppress(OSError):  # else /var/lang and /var/task stay absent (the probe says so)
        _provide_var_lang(libc, scratch)
        # what this process imports before it knows its function (a spare: the runtime client) and where its
        # compiled modules go
        imports, compiled = [p for p in sys.path if p], [p for p in [sys.pycache_prefix] if p]
        as_given = {p: os.path.abspath(p) for p in [*imports, *compiled]}  # no system call for others
        _keep_host_var(libc, imports, compiled, as_given)
        prefixes = {as_given[p] for p in compiled}
        _zygote_bytecode.extend(path for path, _ in _bound_from_host if path in prefixes)


def mount_function(
    opt_dir: str,
    task_root: str,
    tmp_mb: int | None = None,
    keep: Sequence[str] = (),
    writable: Sequence[str] = (),
    *,
    at_var_task: bool = False,
) -> None:
    """In the mount namespace `enter_mount_namespace` entered: bind-mount `opt_dir` over /opt, and make /opt and
    the task root read-only (Lambda's /opt and /var/task are; only /tmp is writable). With `at_var_task`, the
    task root is `task_root` bind-mounted at /var/task, as on Lambda, and its compiled modules are its own
    (`task_bytecode_dir`); without, `task_root` itself (its host path). With `tmp_mb`, /tmp is the
    environment's own (`mount_private_tmp`; the host's task root, unless at /var/task, and `keep` stay reachable
    at their paths, read-only, and the bytecode prefix and `writable` writable). What of all these lies under
    the host's /var, which the namespace's overlay covers, is bound back at its path first, in the same modes
    (`_keep_host_var`). Raises OSError naming the failed step."""
    libc = ctypes.CDLL(None, use_errno=True)
    prefix = pycache_prefix(opt_dir)
    own_bytecode = [task_bytecode_dir(task_root)] if at_var_task else []
    slots = library_path_slot_dir(os.path.dirname(os.path.dirname(os.path.abspath(opt_dir))))
    read_only, read_write = [opt_dir, task_root, slots, *keep], [prefix, *own_bytecode, *writable]
    resolved = {
        path: kept_paths.resolve(path) for path in [*read_only, *read_write]
    }  # once, for /var and /tmp
    bytecode = _hold_task_bytecode(opt_dir, task_root) if at_var_task else -1  # made first, on the host
    try:
        covered = what_var_task_would_cover([*read_only, *read_write], resolved) if at_var_task else None
        if covered is not None:
            raise OSError(f"{covered} lies under {VAR_TASK}, which this environment's code covers")
        _keep_host_var(libc, read_only, read_write, resolved)
        for path in _zygote_bytecode:
            kept_paths.remount_read_only(libc, path)
        _check(
            libc.mount(opt_dir.encode(), OPT.encode(), None, _MS_BIND | _MS_REC, None), f"bind-mounting {OPT}"
        )
        kept_paths.remount_read_only(libc, OPT)
        if at_var_task:
            _mount_var_task(libc, task_root)
        if tmp_mb is not None:
            kept = [*keep, slots] if at_var_task else [task_root, *keep, slots]
            _mount_private_tmp(libc, tmp_mb, kept, [prefix, *writable], resolved)
        if at_var_task:
            # the bytecode of /var/task goes to this code's own directory: every function's code is at the same
            # path, so a module of another code with the same name, size and mtime must never reuse it
            _mount_task_bytecode(libc, opt_dir, bytecode)
        else:
            _check(
                libc.mount(task_root.encode(), task_root.encode(), None, _MS_BIND, None),
                "bind-mounting the task root",
            )
            kept_paths.remount_read_only(libc, task_root)
    finally:
        if bytecode >= 0:
            os.close(bytecode)
        _release_host_var()
    if _own_var_lang:
        _keep_bytecode_of_scripts(opt_dir)
    if _var_overlaid:  # as on Lambda, where only /tmp is writable: /var/tmp and /var/lang refuse writes too
        for path in (VAR, *[VAR_LANG for _ in _var_lang_covered]):
            kept_paths.remount_read_only(libc, path)


def task_bytecode_dir(task_root: str) -> str:
    """Where the compiled modules of the code unpacked at `task_root` (<state>/lambda/code/<hash>) go when it is
    shown at /var/task: <state>/lambda/pycache-by-code/<hash>, mounted at `<prefix>/var/task` in the
    environment's namespace (so scripts of `/var/lang/bin/python` that the function runs use it too).

    >>> task_bytecode_dir("/tmp/state/lambda/code/0123abcd")
    '/tmp/state/lambda/pycache-by-code/0123abcd'
    """
    task_root = os.path.abspath(task_root)
    return os.path.join(
        os.path.dirname(os.path.dirname(task_root)), PYCACHE_BY_CODE, os.path.basename(task_root)
    )


def what_var_task_would_cover(paths: Sequence[str], resolved: dict[str, str] | None = None) -> str | None:
    """The first of `paths` that lies at or under /var/task as given or resolved (`resolved`: their realpaths,
    else computed): the code's bind mount there would cover it, so the environment could not open it.

    >>> what_var_task_would_cover(["/home/ci/.cache/fogbank", "/var/task/.venv", "/var/tasks"])
    '/var/task/.venv'
    """
    for path in paths:
        real = (resolved or {}).get(path) or kept_paths.resolve(path)
        if kept_paths.is_within(os.path.abspath(path), VAR_TASK) or kept_paths.is_within(real, VAR_TASK):
            return path
    return None


def _mount_var_task(libc: ctypes.CDLL, task_root: str) -> None:
    """Bind-mount `task_root` at /var/task (made in /var's overlay by `enter_mount_namespace`, or the host's own,
    covered in this namespace only), read-only."""
    if not os.path.isdir(VAR_TASK):
        raise OSError(
            f"{VAR_TASK} does not exist on this machine and /var could not be overlaid in the namespace to make "
            "it (overlayfs in a user namespace needs Linux 5.11 or later)"
        )
    _check(
        libc.mount(task_root.encode(), VAR_TASK.encode(), None, _MS_BIND, None), f"bind-mounting {VAR_TASK}"
    )
    kept_paths.remount_read_only(libc, VAR_TASK)


def _hold_task_bytecode(opt_dir: str, task_root: str) -> int:
    """An O_PATH descriptor of `task_bytecode_dir(task_root)`, made first, and the mount point for it in the
    bytecode prefix: both are made on the host (through the host's /var where the overlay covers it) before
    a private /tmp may cover them."""
    own = _on_host(task_bytecode_dir(task_root))
    os.makedirs(own, exist_ok=True)
    os.makedirs(_on_host(os.path.join(pycache_prefix(opt_dir), VAR_TASK.lstrip("/"))), exist_ok=True)
    return os.open(own, os.O_PATH | os.O_DIRECTORY)


def _mount_task_bytecode(libc: ctypes.CDLL, opt_dir: str, bytecode: int) -> None:
    """Bind-mount the code's own bytecode directory (held as `bytecode`) at `<prefix>/var/task`."""
    target = os.path.join(pycache_prefix(opt_dir), VAR_TASK.lstrip("/"))
    source = f"/proc/self/fd/{bytecode}".encode()
    _check(libc.mount(source, target.encode(), None, _MS_BIND, None), f"mounting {target}")


def _on_host(path: str) -> str:
    """`path` as the host has it: through the held host /var where this namespace's overlay covers it."""
    return kept_paths.host_view(os.path.abspath(path), VAR, _host_var[0] if _host_var else None)


def _keep_host_var(
    libc: ctypes.CDLL, read_only: Sequence[str], writable: Sequence[str], resolved: dict[str, str]
) -> None:
    """Bind back each directory of `read_only` and `writable` (and what it resolves to) that lies under the
    host's /var, from the host's /var held before the overlay covered it, at its path: read-only but for
    `writable`, each in its own mode. Without it, the environment would read the overlay's copy of the host's
    files and write into its scratch (lost when it ends: the bytecode caches would never fill)."""
    if not _host_var:
        return
    host = _host_var[0]
    writable = [path for path in writable if path]
    wanted, read_write = kept_paths.wanted_and_writable(VAR, read_only, writable, resolved, host)
    mounts = [mount for mount in kept_paths.kept_mounts(wanted, read_write) if mount not in _bound_from_host]
    if mounts:
        kept_paths.bind_held(libc, kept_paths.hold(mounts, VAR, host), read_write)
        _bound_from_host.update(mounts)


def _release_host_var() -> None:
    while _host_var:
        os.close(_host_var.pop())


def mount_private_tmp(size_mb: int, keep: Sequence[str], writable: Sequence[str] = ()) -> None:
    """In a private mount namespace: an empty tmpfs of `size_mb` MiB, mode 1777, over /tmp, as a Lambda
    environment's own /tmp (`EphemeralStorage`: a write past it fails with ENOSPC). The host's /tmp is untouched.
    Its inodes are bounded too (`inodes_for`): a function creating millions of empty files gets ENOSPC instead
    of taking the machine's kernel memory.

    The paths of `keep` (and what they resolve to) that lie under the host's /tmp (a cloud's state directory
    does when chosen there: task root, runtime directory, bytecode prefix, caches) stay reachable at the same
    paths: each is held open before /tmp is covered, then bind-mounted at its path in the new /tmp (missing ones
    are skipped), read-only but for those of `writable` (a function that empties its /tmp cannot delete the
    cloud's files). Each keeps its own mode however they nest (`kept_paths.kept_mounts`): a writable path
    inside a read-only one stays writable, a read-only one inside a writable one stays read-only.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    _mount_private_tmp(libc, size_mb, keep, writable, {})


def _mount_private_tmp(
    libc: ctypes.CDLL, size_mb: int, keep: Sequence[str], writable: Sequence[str], resolved: dict[str, str]
) -> None:
    wanted, read_write = kept_paths.wanted_and_writable(TMP, keep, writable, resolved)
    held = kept_paths.hold(kept_paths.kept_mounts(wanted, read_write), TMP)
    try:
        options = f"size={int(size_mb)}m,nr_inodes={inodes_for(size_mb)},mode=1777".encode()
        _check(libc.mount(b"tmpfs", TMP.encode(), b"tmpfs", 0, options), f"mounting a private tmpfs on {TMP}")
    except OSError:
        for _, fd in held:
            os.close(fd)
        raise
    kept_paths.bind_held(libc, held, read_write)


def inodes_for(size_mb: int) -> int:
    """The inodes of a private /tmp of `size_mb` MiB: one per 4 KiB (a tmpfs page), so a /tmp full of empty
    files costs about what one full of data does.

    >>> inodes_for(512)
    131072
    """
    return int(size_mb) * 1024 * 1024 // 4096


def pycache_prefix(opt_dir: str) -> str:
    """The `sys.pycache_prefix` of an environment that shows `opt_dir` (<state>/lambda/opt/<key>) at /opt:
    <state>/lambda/pycache-by-opt/<key>. One prefix per set of layers, because every set is seen at the same
    /opt paths: a module of another set with the same path, size and mtime must never reuse this one's
    bytecode (Python checks only those). bytecode.py links the prefix's shared parts.

    >>> pycache_prefix("/tmp/state/lambda/opt/0123abcd")
    '/tmp/state/lambda/pycache-by-opt/0123abcd'
    """
    opt_dir = os.path.abspath(opt_dir)
    return os.path.join(os.path.dirname(os.path.dirname(opt_dir)), PYCACHE_BY_OPT, os.path.basename(opt_dir))


def _keep_bytecode_of_scripts(opt_dir: str) -> None:
    """Scripts run by `/var/lang/bin/python` (a layer's `#!/var/lang/bin/python` tools, such as the AWS CLI)
    keep their compiled modules in the environment's prefix too: /opt is read-only, so without it every run
    would compile them again. A `.pth` in /var/lang's own site-packages sets it (no environment variable the
    function would see); a prefix chosen with -X pycache_prefix or PYTHONPYCACHEPREFIX wins."""
    line = f"import sys; sys.pycache_prefix = sys.pycache_prefix or {pycache_prefix(opt_dir)!r}\n"
    path = os.path.join(VAR_LANG, _SITE_PACKAGES, "fogbank-bytecode.pth")
    with contextlib.suppress(OSError), open(path, "w") as file:  # without it, scripts only compile again
        file.write(line)


def _provide_var_lang(libc: ctypes.CDLL, scratch: str) -> None:
    """`/var/lang/bin/python` (and `node`) as on Lambda, for layers whose scripts start `#!/var/lang/bin/python`
    (the AWS CLI layer of CDK's BucketDeployment does), and an empty `/var/task` to mount the code on.

    /var is overlaid, in this mount namespace only, with an upper layer on a small private tmpfs (mounted on
    `scratch`) where bin/ links to this process's interpreter; the host's /var is untouched. It is held first
    (`_host_var`): what the environment opens under it is bound back by `mount_function`. /var/lang is that
    interpreter's own prefix, as on Lambda (a `pyvenv.cfg` naming the interpreter's home): `sys.prefix` is
    /var/lang and its site-packages is /var/lang's (empty), not the host installation's. A host's own /var/lang
    is kept where this interpreter or Node.js lives there (a Lambda base image), else covered by this one; a
    host's own /var/task is covered by the code's bind mount (`what_var_task_would_cover` refuses that where
    something every environment needs lies there).
    """
    os.makedirs(scratch, exist_ok=True)
    _check(libc.mount(b"tmpfs", scratch.encode(), b"tmpfs", 0, _SCRATCH_OPTIONS), "mounting a scratch tmpfs")
    _link_library_path_slots(scratch)
    upper, work = os.path.join(scratch, "upper"), os.path.join(scratch, "work")
    os.mkdir(upper)
    os.mkdir(work)
    host_var = os.open(VAR, os.O_PATH | os.O_DIRECTORY)
    options = f"lowerdir={VAR},upperdir={upper},workdir={work}".encode()
    try:
        _check(libc.mount(b"overlay", VAR.encode(), b"overlay", 0, options), "overlaying /var")
    except OSError:
        os.close(host_var)
        raise
    _host_var.append(host_var)
    _var_overlaid.append(True)
    if not os.path.isdir(VAR_TASK):
        os.mkdir(VAR_TASK, 0o755)
    python = os.path.realpath(sys.executable)
    interpreters = {
        "python": python,
        "python3": python,
        LAMBDA_PYTHON_NAME: python,
        "node": shutil.which("node"),
    }
    if os.path.exists(VAR_LANG):
        lives_there = [
            sys.prefix,
            sys.base_prefix,
            *[os.path.realpath(p) for p in interpreters.values() if p],
        ]
        if any(kept_paths.is_within(path, VAR_LANG) for path in lives_there):
            return  # a Lambda base image's: this interpreter's own prefix, used as it is
        own = os.path.join(scratch, "lang")  # another program's: covered, in this namespace only
        os.mkdir(own)
        _check(
            libc.mount(own.encode(), VAR_LANG.encode(), None, _MS_BIND, None),
            f"covering the host's {VAR_LANG}",
        )
        _var_lang_covered.append(True)
    os.makedirs(os.path.join(VAR_LANG, "bin"))
    for name, target in interpreters.items():
        if target:
            os.symlink(target, os.path.join(VAR_LANG, "bin", name))
    _link_libpython(os.path.join(VAR_LANG, "lib"))
    with open(os.path.join(VAR_LANG, "pyvenv.cfg"), "w") as config:
        config.write(f"home = {os.path.dirname(python)}\ninclude-system-site-packages = false\n")
    os.makedirs(os.path.join(VAR_LANG, _SITE_PACKAGES))
    _own_var_lang.append(True)


def library_path_slot_dir(lambda_state: str) -> str:
    """Where the zygote's LD_LIBRARY_PATH slots are: in the scratch directory of `lambda_state` (<state>/lambda).

    >>> library_path_slot_dir("/tmp/state/lambda")
    '/tmp/state/lambda/var-lang/ld-library-path'
    """
    return os.path.join(lambda_state, "var-lang", "ld-library-path")


def _link_libpython(lang_lib: str) -> None:
    """/var/lang/lib holds the interpreter's shared libpython, as on Lambda: LD_LIBRARY_PATH names /var/lang/lib
    first, so a process started there loads this one, not a system directory's of another build."""
    libdir = sysconfig.get_config_var("LIBDIR")
    os.makedirs(lang_lib, exist_ok=True)
    if not sysconfig.get_config_var("Py_ENABLE_SHARED") or not libdir or not os.path.isdir(libdir):
        return
    for name in os.listdir(libdir):
        if name.startswith("libpython") and ".so" in name:
            os.symlink(os.path.join(libdir, name), os.path.join(lang_lib, name))


def _link_library_path_slots(scratch: str) -> None:
    """In this namespace's scratch tmpfs (which covers the host's empty slots): each slot links to the
    environment's own directory, so a loader started with the slots searches /var/task, /var/task/lib and
    /opt/lib as this environment shows them (library_path.py)."""
    slots = os.path.join(scratch, "ld-library-path")
    os.mkdir(slots)
    for name, target in LIBRARY_PATH_SLOTS:
        os.symlink(target, os.path.join(slots, name))


def _check(result: int, step: str) -> None:
    kept_paths.check(result, step)


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w") as file:
            file.write(text)
    except OSError as exc:
        raise OSError(exc.errno, f"writing {path!r} failed: {exc.strerror}") from exc
