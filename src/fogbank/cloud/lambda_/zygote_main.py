"""The pre-initialised runtime process (zygote): forks one execution environment per request.

Started by the cloud as `python -S -m fogbank_zygote <control fd> <probe dir> <spares>` with the runtime
directory as its only path. It imports the runtime client (awslambdaric) and the standard library once, never
boto3 or anything a function or layer could ship its own version of. Each environment is a forked child that:

1. leaves the zygote's state: own session and process group (a timeout or crash kills it alone), a
   parent-death signal, the output pipe as stdout and stderr, /dev/null as stdin;
2. when asked, enters a user + mount namespace with the function's layers at /opt, its code at /var/task (where
   the probe found that possible) and its own /tmp (a tmpfs of its EphemeralStorage size; `fogbank_sandbox`);
3. Python: takes the function's environment (only its own), its sys.path (task root, layers, runtime,
   standard library), checks native extensions against the function's architecture, and runs the worker boot
   module, which imports the handler module fresh; anything else (Node.js, `provided`): execve.

A *spare* is such a child forked ahead of need: it does what is the same for every function (step 1 but the
output pipe, and the namespace of step 2 without /opt) and waits on its own socket, which the cloud holds. The
cloud first tells it the address of the Runtime API it will serve (`{"runtime_api": "127.0.0.1:port"}`), and it
loads the runtime client's native part for it; then comes a function's request: it mounts that function's
layers and goes on with step 3. A cold start that finds a spare skips the fork, this round trip through the
zygote and loading the runtime client. The zygote forks the replacement 20 ms after the cloud asks for it, out of
that cold start's way.

Protocol on the control socket (SOCK_SEQPACKET, one JSON message each): the zygote says
`{"hello": pid, "opt_error": null | why, "var_task_error": null | why}` once; a request `{"id", "argv", "env",
"cwd", "python", "opt_source", "task_source", "tmp_mb", "keep_paths", "keep_writable", "architecture", "host_architecture", "check_roots", "runtime", "door_map",
"own_loader"}` comes with the output pipe's
write end (SCM_RIGHTS) and is answered `{"id", "pid"}` or `{"id", "error"}`; `{"spare": pid}` comes with the
cloud's end of a spare's socket (SCM_RIGHTS), on which the cloud sends the spare its Runtime API address, then
a request (no "id", no answer) with the output pipe's write end, or which it closes to end the spare; `{"replenish": 1}` asks for one more
spare; `{"exit": pid, "status": returncode}` is sent when a child (spares too) ends (negative: killed by that
signal, as subprocess reports it).

Standard library and the runtime client only (linked into the runtime directory as `fogbank_zygote`).

Example (what the cloud runs):
    python -S -m fogbank_zygote 3 /tmp/state/lambda/opt-probe 2
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import gc
import importlib
import importlib.machinery
import json
import os
import selectors
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fogbank.cloud.lambda_ import native_check as fogbank_native_check
    from fogbank.cloud.lambda_ import probe as fogbank_probe
    from fogbank.cloud.lambda_ import sandbox as fogbank_sandbox
    from fogbank.cloud.lambda_ import worker_boot as fogbank_worker_boot
else:
    import fogbank_native_check
    import fogbank_probe
    import fogbank_sandbox
    import fogbank_worker_boot

__all__ = ["PRELOADED", "serve"]

# What the runtime client needs, imported once here so each environment starts warm: the standard library
# and the runtime client's own modules and dependency (simplejson). Nothing a function could bring its own
# version of is imported, except simplejson, which an environment forgets when its code or layers ship one.
# Not awslambdaric.lambda_runtime_client, its native `runtime_client` nor .bootstrap: at import they read the
# environment (the native client keeps the Runtime API address for good), so each environment imports them
# (a spare imports the first two once the cloud has told it the address of its own Runtime API).
PRELOADED = (
    "decimal",
    "http.client",
    "logging",
    "numbers",
    "runpy",
    "ssl",
    "traceback",
    "weakref",
    "simplejson",
    "awslambdaric.lambda_config",
    "awslambdaric.lambda_context",
    "awslambdaric.lambda_runtime_exception",
    "awslambdaric.lambda_runtime_log_utils",
    "awslambdaric.lambda_runtime_marshaller",
)
for _name in PRELOADED:
    importlib.import_module(_name)

# The runtime client's native module links the C++ runtime: loading it here (a system library, not anything a
# function or layer ships) leaves each environment only the module itself to load (about 1 ms less per start).
with contextlib.suppress(OSError):
    ctypes.CDLL("libstdc++.so.6", mode=ctypes.RTLD_GLOBAL)

_MAX_MESSAGE = 1 << 20
_PR_SET_PDEATHSIG = 1
_RUNTIME_OWNED = ("awslambdaric", "runtime_client", "fogbank_")
_STDLIB_PATHS = [p for p in sys.path if p.startswith((sys.base_prefix, sys.base_exec_prefix))]
# A spare taken by a cold start is replaced this much later, so that forking and preparing the replacement
# (a few ms of CPU, in the zygote, the new spare and the cloud) does not compete with that cold start.
_SPARE_DELAY_S = 0.02
_SHADOWABLE: tuple[str, ...] = ()  # set by main(): see _loaded_from_runtime


def serve(control: socket.socket, probe_dir: str, spares: int = 0) -> None:
    """Answer fork requests until the cloud closes the control socket; keep `spares` spare environments."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    os.set_blocking(wake_read, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the cloud decides
    opt_error, var_task_error = fogbank_probe.probe_namespaces(probe_dir)
    _send(control, {"hello": os.getpid(), "opt_error": opt_error, "var_task_error": var_task_error})
    # layers are unpacked at <state>/lambda/opt/<hash> and probed at <state>/lambda/opt-probe (sandbox.py)
    lambda_state = os.path.dirname(os.path.abspath(probe_dir))
    scratch = None if opt_error else os.path.join(lambda_state, "var-lang")
    # task roots and /opt are read-only in an environment (as on Lambda): compiled modules are cached here
    # instead, so that a cold start does not compile its handler and its layers' modules again
    sys.pycache_prefix = os.path.join(lambda_state, "pycache")
    os.makedirs(sys.pycache_prefix, exist_ok=True)  # so that a spare keeps it where its namespace covers /var
    wake = (wake_read, wake_write)
    for _ in range(spares):
        _fork_spare(control, wake, scratch)
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ, "control")
    selector.register(wake_read, selectors.EVENT_READ, "child")
    owed: list[float] = []  # when each spare the cloud asked for is due (see _SPARE_DELAY_S)
    while True:
        timeout = max(0.0, owed[0] - time.monotonic()) if owed else None
        for key, _ in selector.select(timeout):
            request: dict[str, Any] = {}
            if key.data == "child":
                while True:
                    try:
                        if not os.read(wake_read, 4096):
                            break
                    except BlockingIOError:
                        break
                _reap(control)
                continue
            message, fds, _, _ = socket.recv_fds(control, _MAX_MESSAGE, 4)
            if not message:
                return
            try:
                request = json.loads(message)
                if "replenish" in request:  # the cloud handed a spare out: make the next one, a little later
                    owed.append(time.monotonic() + _SPARE_DELAY_S)
                    continue
                pid = _fork(
                    functools.partial(_become_environment, request, fds[0], control, wake, os.getpid())
                )
            except Exception as exc:
                _send(control, {"id": request.get("id"), "error": f"{type(exc).__name__}: {exc}"})
            else:
                _send(control, {"id": request["id"], "pid": pid})
            finally:
                for fd in fds:
                    os.close(fd)
        while owed and owed[0] <= time.monotonic():
            owed.pop(0)
            try:
                _fork_spare(control, wake, scratch)
            except Exception:
                traceback.print_exc()
        _reap(control)


def _send(control: socket.socket, message: dict[str, Any]) -> None:
    control.send(json.dumps(message).encode())


def _reap(control: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send(control, {"exit": pid, "status": os.waitstatus_to_exitcode(status)})


def _fork(child: Callable[[], int]) -> int:
    """Fork; the child runs `child()` and exits with its code (never returns). The parent gets the pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    try:  # the child: never returns
        code = child()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _fork_spare(control: socket.socket, wake: tuple[int, int], scratch: str | None) -> None:
    """Fork a spare environment and hand the cloud its end of the spare's assignment socket."""
    parent = os.getpid()
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        pid = _fork(functools.partial(_serve_as_spare, theirs, ours, control, wake, parent, scratch))
        socket.send_fds(control, [json.dumps({"spare": pid}).encode()], [ours.fileno()])
    finally:
        ours.close()
        theirs.close()


def _leave_zygote(control: socket.socket, wake: tuple[int, int], parent: int) -> bool:
    """The zygote's state a child must not keep; its own session and process group, a parent-death signal, and
    stdin from /dev/null. False when the zygote already died (the child should exit)."""
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
    control.close()
    os.close(wake[0])
    os.close(wake[1])
    os.setsid()
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the zygote died before the parent-death signal was armed
        return False
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return True


def _take_output(output: int) -> None:
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)


def _become_environment(
    request: dict[str, Any], output: int, control: socket.socket, wake: tuple[int, int], parent: int
) -> int:
    if not _leave_zygote(control, wake, parent):
        return 1
    if request.get("memory_cgroup"):  # its function's memory cgroup, before it maps /tmp or runs code
        with open(request["memory_cgroup"], "w") as procs:
            procs.write("0")
    _take_output(output)
    if request["opt_source"]:
        fogbank_sandbox.enter_opt_namespace(
            request["opt_source"],
            request.get("task_source") or request["cwd"],
            request.get("tmp_mb"),
            request.get("keep_paths", ()),
            request.get("keep_writable", ()),
            at_var_task=bool(request.get("task_source")),
        )
    return _start_runtime(request)


def _serve_as_spare(
    assignments: socket.socket,
    cloud_end: socket.socket,
    control: socket.socket,
    wake: tuple[int, int],
    parent: int,
    scratch: str | None,
) -> int:
    """A spare: everything that is the same for every function is done before the cloud assigns it one (its
    request, as in a fork request, with the output pipe); then it becomes that function's environment."""
    cloud_end.close()
    if not _leave_zygote(control, wake, parent):
        return 1
    namespace: OSError | None = OSError("this machine cannot mount layers at /opt")
    if scratch is not None:
        try:
            fogbank_sandbox.enter_mount_namespace(scratch)
            namespace = None
        except OSError as exc:
            namespace = exc
    message, fds, _, _ = socket.recv_fds(assignments, _MAX_MESSAGE, 1)
    if message and not fds:  # the Runtime API this spare will serve: load the runtime client for it now
        _load_runtime_client(json.loads(message)["runtime_api"])
        message, fds, _, _ = socket.recv_fds(assignments, _MAX_MESSAGE, 1)
    assignments.close()
    if not message or not fds:  # the cloud no longer needs this spare
        for fd in fds:
            os.close(fd)
        return 0
    _take_output(fds[0])
    request: dict[str, Any] = json.loads(message)
    if request["opt_source"]:
        if namespace is not None:
            raise namespace
        fogbank_sandbox.mount_function(
            request["opt_source"],
            request.get("task_source") or request["cwd"],
            request.get("tmp_mb"),
            request.get("keep_paths", ()),
            request.get("keep_writable", ()),
            at_var_task=bool(request.get("task_source")),
        )
    return _start_runtime(request)


def _load_runtime_client(runtime_api: str) -> None:
    """Import the runtime client's native part for `runtime_api` (it reads AWS_LAMBDA_RUNTIME_API once, as it
    loads): nothing of a function's, as the spare has none yet. The environment it becomes has the same address.
    Should it fail, the environment imports it itself and reports what went wrong."""
    os.environ["AWS_LAMBDA_RUNTIME_API"] = runtime_api
    with contextlib.suppress(Exception):
        importlib.import_module("awslambdaric.lambda_runtime_client")


def _start_runtime(request: dict[str, Any]) -> int:
    os.chdir(request["cwd"])
    env: dict[str, str] = request["env"]
    if not request["python"] or request.get("own_loader"):
        for number in (signal.SIGPIPE, signal.SIGXFSZ):  # as subprocess does before exec
            signal.signal(number, signal.SIG_DFL)
        argv = _own_loader_argv(request) if request["python"] else request["argv"]
        os.execve(argv[0], argv, env)
    return _run_python_runtime(request, env)


def _own_loader_argv(request: dict[str, Any]) -> list[str]:
    """A Python environment whose LD_LIBRARY_PATH the zygote's loader cannot search (library_path.py) runs its
    command line (`python -S -m fogbank_worker_boot ...`) as a new interpreter, so that its loader reads the
    variable; where /opt is mounted, as /var/lang's interpreter with the layers' bytecode prefix, as a forked
    environment has them (unless the function sets PYTHONPYCACHEPREFIX: then its own, as on Lambda, where -X
    would win over it)."""
    argv: list[str] = list(request["argv"])
    if request["opt_source"]:
        lambda_python = os.path.join(fogbank_sandbox.VAR_LANG, "bin", fogbank_sandbox.LAMBDA_PYTHON_NAME)
        first = [lambda_python] if os.path.exists(lambda_python) else argv[:1]
        prefix = fogbank_sandbox.pycache_prefix(request["opt_source"])
        own = request["env"].get("PYTHONPYCACHEPREFIX")
        argv = [*first, *([] if own else ["-X", f"pycache_prefix={prefix}"]), *argv[1:]]
    return argv


def _run_python_runtime(request: dict[str, Any], env: dict[str, str]) -> int:
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    # one bytecode prefix per set of layers at /opt (fogbank_sandbox.pycache_prefix)
    if request["opt_source"]:
        sys.pycache_prefix = fogbank_sandbox.pycache_prefix(request["opt_source"])
        # as on Lambda: a Python subprocess started from sys.executable is /var/lang's, not fogbank's virtualenv
        lambda_python = os.path.join(fogbank_sandbox.VAR_LANG, "bin", fogbank_sandbox.LAMBDA_PYTHON_NAME)
        if os.path.exists(lambda_python):
            sys.executable = lambda_python
    function_paths = [request["cwd"], *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    sys.path[:] = [*function_paths, *_STDLIB_PATHS]
    # The standard library's finders stay (the same directories in every environment, listed already: dropping
    # them cost each environment about 0.5 ms of copy-on-write faults, and listing them again); all others go.
    for path in [p for p in sys.path_importer_cache if not str(p).startswith(tuple(_STDLIB_PATHS))]:
        del sys.path_importer_cache[path]
    fogbank_native_check.install_native_check(
        request["architecture"],
        request["host_architecture"],
        request["check_roots"],
        request.get("runtime") or "",
    )
    _forget_shadowed_modules(function_paths, env.get("LAMBDA_RUNTIME_DIR", ""))
    sys.argv = [fogbank_worker_boot.__file__ or "fogbank_worker_boot", *request["argv"]]
    # the standard library of the Python minor the function names (stdlib_versions.py), before its code runs
    fogbank_worker_boot.main(door_map=request.get("door_map"), runtime=request.get("runtime") or "")
    return 0


def _loaded_from_runtime() -> tuple[str, ...]:
    """Top-level modules loaded so far from the runtime directory (not the standard library, not the runtime
    client's own): those a function's code or layers may ship their own copy of (simplejson)."""
    names = []
    for top in sorted({name.split(".")[0] for name in sys.modules}):
        if top.startswith(_RUNTIME_OWNED) or top in sys.builtin_module_names:
            continue
        module_file = getattr(sys.modules.get(top), "__file__", None) or ""
        if module_file and not module_file.startswith(tuple(_STDLIB_PATHS)):
            names.append(top)
    return tuple(names)


def _forget_shadowed_modules(function_paths: list[str], runtime_dir: str) -> None:
    """A module the zygote imported from the runtime that the function's code or layers also ship: the
    function imports its own copy, as it would have without the zygote (task root and layers come first).
    The candidates are listed once in the zygote (`_SHADOWABLE`), not found again by each environment."""
    finder = importlib.machinery.PathFinder
    for top in _SHADOWABLE:
        module_file = getattr(sys.modules.get(top), "__file__", None) or ""
        if not runtime_dir or not module_file.startswith(runtime_dir):
            continue
        if finder.find_spec(top, function_paths) is not None:
            for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
                del sys.modules[name]


def main() -> None:
    # Everything loaded so far is shared with the environments: keep the collector away from it, so that
    # forked environments do not copy those pages just to scan them (copy-on-write).
    global _SHADOWABLE
    _SHADOWABLE = _loaded_from_runtime()
    gc.freeze()
    control = socket.socket(fileno=int(sys.argv[1]))
    serve(control, sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)


if __name__ == "__main__":
    main()
