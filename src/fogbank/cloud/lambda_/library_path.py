"""LD_LIBRARY_PATH as on Lambda: shared libraries a layer ships in `lib/` (/opt/lib) or the code ships in `lib/`
(/var/task/lib) or at its root are found by name, by the dynamic loader of every process in the environment.

Lambda sets `LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:
/var/task/lib:/opt/lib` in every runtime's environment (AWS's "Defined runtime environment variables"; its
base images say the same). It is not a reserved key: a function may set its own, which replaces Lambda's.

A process exec'd in the environment (Node.js, a `provided` bootstrap, any subprocess, `/var/lang/bin/python`
scripts) reads the variable as it starts. A Python environment forked from the zygote does not: its loader
kept the zygote's search list, read once when the zygote started. So the zygote starts with the same list in
which /var/task, /var/task/lib and /opt/lib are *slots*: directories of `<state>/lambda/var-lang/ld-library-path`
that exist on the host (the loader remembers a missing directory as missing for good) and that each environment,
in its own mount namespace, turns into links to its own /var/task, /var/task/lib and /opt/lib
(sandbox._link_library_path_slots). An environment whose list the zygote's loader cannot have (code and layers
at host paths that ship libraries), or whose function sets a variable the loader reads as a process starts
(its own LD_LIBRARY_PATH, LD_PRELOAD, ...: `sets_loader_variables`), is exec'd instead.

Here the machine's own system library directories follow /usr/lib64 where they are elsewhere
(`system_library_dirs`: Debian's `/lib/x86_64-linux-gnu`), so that they win over a layer's copies as /lib64's do
on Lambda; on a machine whose libraries are in /lib64 the value is Lambda's exactly.

Example:
    >>> value = lambda_library_path(Path("/var/task"), Path("/opt"))
    >>> value.replace(":".join(["", *system_library_dirs()]), "")
    '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib'
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from fogbank.cloud.lambda_.sandbox import LIBRARY_PATH_SLOTS, OPT, VAR_TASK, library_path_slot_dir

if TYPE_CHECKING:
    from fogbank.cloud.lambda_.interpreters import Interpreter

__all__ = [
    "LAMBDA_LIBRARY_PATH",
    "interpreter_library_dir",
    "lambda_library_path",
    "loader_subdirectories",
    "sets_loader_variables",
    "ships_libraries",
    "system_library_dirs",
    "zygote_library_path",
]

VAR_LANG_LIB = "/var/lang/lib"
LAMBDA_LIBRARY_PATH = (
    "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"
)


def lambda_library_path(
    task_root: Path, opt_dir: Path, *, var_lang: bool = True, interpreter: Interpreter | None = None
) -> str:
    """Lambda's LD_LIBRARY_PATH with the code and the layers at the paths the environment sees them (/var/task
    and /opt where they are mounted there, else their host paths), in Lambda's order. /var/lang/lib holds the
    interpreter's libpython, as on Lambda (without `var_lang`, no /var/lang is shown: the library directory of
    `interpreter`, default the cloud's own, then). /var/runtime(/lib) are named as on Lambda: the runtime
    directory here holds no shared libraries."""
    lang = VAR_LANG_LIB if var_lang else _library_dir_of(interpreter)
    return _with(task=str(task_root), opt=str(opt_dir), lang=lang)


def zygote_library_path(lambda_state: Path, interpreter: Interpreter | None = None) -> str:
    """The zygote's LD_LIBRARY_PATH: Lambda's, with /var/task, /var/task/lib and /opt/lib replaced by the slots
    in `lambda_state` (<state>/lambda), and the library directory of the zygote's `interpreter` (default: the
    cloud's own) first. They are made here, empty, with the subdirectories the loader searches in
    each (`loader_subdirectories`): a lookup in the zygote that walks that far (one that failed in every earlier
    directory) then remembers none of them as missing, which would hide them from every forked environment.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as state:
    ...     zygote_library_path(Path(state)).replace(state, "<state>").split(":")[-3:]
    ['<state>/var-lang/ld-library-path/var-task', '<state>/var-lang/ld-library-path/var-task-lib', '<state>/var-lang/ld-library-path/opt-lib']
    """
    slots = Path(library_path_slot_dir(str(lambda_state)))
    for name, _ in LIBRARY_PATH_SLOTS:
        for subdirectory in ("", *loader_subdirectories()):  # each is remembered as missing or not, too
            (slots / name / subdirectory).mkdir(parents=True, exist_ok=True)
    names = {target: str(slots / name) for name, target in LIBRARY_PATH_SLOTS}
    mounted = _with(task=VAR_TASK, opt=OPT, lang=_library_dir_of(interpreter)).split(os.pathsep)
    return os.pathsep.join(names.get(entry, entry) for entry in mounted)


@functools.cache
def loader_subdirectories() -> tuple[str, ...]:
    """The subdirectories this machine's loader searches in each LD_LIBRARY_PATH directory before the directory
    itself (`glibc-hwcaps/x86-64-v3`, ..., `tls`, `x86_64`), as its own `LD_DEBUG=libs` lists them; empty
    where it lists none (a static `true`, another C library)."""
    program = shutil.which("true")
    if program is None:
        return ()
    with tempfile.TemporaryDirectory() as marker:
        try:
            debug = subprocess.run(
                [program],
                env={"LD_LIBRARY_PATH": marker, "LD_DEBUG": "libs"},
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stderr
        except (OSError, subprocess.SubprocessError):
            return ()
    for line in debug.splitlines():
        if "search path=" in line and "(LD_LIBRARY_PATH)" in line:
            searched = line.split("search path=", 1)[1].split()[0].split(os.pathsep)
            inside = [entry[len(marker) + 1 :] for entry in searched if entry.startswith(marker + os.sep)]
            return tuple(dict.fromkeys(inside))
    return ()


def sets_loader_variables(environment: dict[str, str]) -> bool:
    """Whether a function's own variables include one that the dynamic loader or the C library reads once, as a
    process starts (`LD_PRELOAD`, `LD_LIBRARY_PATH`, `LD_BIND_NOW`, ... `GLIBC_TUNABLES`, `MALLOC_ARENA_MAX`):
    on Lambda they act on the runtime's process; a Python environment forked from the zygote would ignore them,
    so it is exec'd instead.

    >>> sets_loader_variables({"LD_PRELOAD": "/opt/lib/libjemalloc.so"}), sets_loader_variables({"TABLE": "t"})
    (True, False)
    """
    return any(key.startswith(("LD_", "MALLOC_")) or key == "GLIBC_TUNABLES" for key in environment)


def ships_libraries(task_root: Path, opt_dir: Path) -> bool:
    """Whether the code (unpacked at `task_root`) or the layers (at `opt_dir`) may hold a library the loader
    would find by name through Lambda's LD_LIBRARY_PATH: a `lib/` in either, or a `*.so*` file at the code's
    root. Where the code and layers are at host paths, a forked Python environment cannot search them (the
    zygote's slots name /var/task and /opt), so such an environment is exec'd instead."""
    if (task_root / "lib").is_dir() or (opt_dir / "lib").is_dir():
        return True
    if not task_root.is_dir():
        return False
    with os.scandir(task_root) as entries:
        return any(".so" in entry.name and not entry.is_dir() for entry in entries)


@functools.cache
def system_library_dirs() -> list[str]:
    """This machine's own system library directories where they are not /lib64 and /usr/lib64 (Debian's
    multiarch `/lib/x86_64-linux-gnu`): on Lambda the system's libraries are in /lib64, ahead of the code's and
    the layers' in LD_LIBRARY_PATH, so a layer's copy of libstdc++ or libz never shadows them; here they come
    right after /usr/lib64 for the same reason. Empty on a machine whose libraries are in /lib64."""
    triplet = getattr(sys.implementation, "_multiarch", "") or sysconfig.get_config_var("MULTIARCH") or ""
    dirs: list[str] = []
    seen = {os.path.realpath("/lib64"), os.path.realpath("/usr/lib64")}
    for candidate in (f"/lib/{triplet}", f"/usr/lib/{triplet}") if triplet else ():
        real = os.path.realpath(candidate)
        if os.path.isdir(real) and real not in seen:
            seen.add(real)
            dirs.append(candidate)
    return dirs


def interpreter_library_dir() -> str | None:
    """The directory of this interpreter's shared libpython (None: it has none), which LD_LIBRARY_PATH names
    first, as Lambda's names /var/lang/lib: else a system directory's libpython of another build would win over
    the one the interpreter was linked with (its RUNPATH comes after LD_LIBRARY_PATH)."""
    libdir = sysconfig.get_config_var("LIBDIR")
    if not sysconfig.get_config_var("Py_ENABLE_SHARED") or not libdir or not os.path.isdir(libdir):
        return None
    return str(libdir)


def _library_dir_of(interpreter: Interpreter | None) -> str:
    """The library directory `interpreter` (None: the cloud's own) names first, as Lambda names /var/lang/lib:
    each interpreter's own (a conda-style one's libpython is in its own prefix), as its probe reported it."""
    if interpreter is None:
        return interpreter_library_dir() or VAR_LANG_LIB
    return str(interpreter.library_dir) if interpreter.library_dir is not None else VAR_LANG_LIB


def _with(*, task: str, opt: str, lang: str) -> str:
    seen = {
        VAR_LANG_LIB: lang,
        "/usr/lib64": os.pathsep.join(["/usr/lib64", *system_library_dirs()]),
        VAR_TASK: task,
        f"{VAR_TASK}/lib": f"{task}/lib",
        f"{OPT}/lib": f"{opt}/lib",
    }
    return os.pathsep.join(seen.get(entry, entry) for entry in LAMBDA_LIBRARY_PATH.split(":"))
