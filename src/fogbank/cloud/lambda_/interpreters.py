"""Which CPython on this machine runs a `python3.X` function: the one it names, when this machine has it.

A function naming python3.13 runs on a CPython 3.13 found here, so that its syntax, standard library,
`sys.version_info` and behaviour are 3.13's; only when none is found does it run on the cloud's own interpreter
with the named minor's standard library emulated (stdlib_versions.py, with the cloud's warning). The cloud's own
minor always runs on the cloud's own interpreter. For python3.X, in this order (the first that qualifies wins):

1. `FOGBANK_PYTHON_3_X` (e.g. `FOGBANK_PYTHON_3_13=/usr/local/bin/python3.13`): that interpreter, and only it.
   An interpreter it names that is missing or does not qualify is an error (the function does not start; the
   message says why), never a silent fallback. `FOGBANK_PYTHON_3_X=emulate` skips the search: the function runs
   on the cloud's interpreter with the emulation.
2. `python3.X` on PATH, skipping version managers' shims (a `shims` directory: pyenv's and asdf's pick a
   version from version files, and fail for a version that is installed but not selected);
3. pyenv's installed versions: `$PYENV_ROOT/versions/3.X.N/bin/python3.X` (default `~/.pyenv`), newest N first;
4. uv's managed Pythons: `$UV_PYTHON_INSTALL_DIR`, else `$XDG_DATA_HOME/uv/python` (`~/.local/share/uv/python`),
   `cpython-3.X.N-linux-<arch>-gnu/bin/python3.X`, newest N first.

A candidate qualifies when it is CPython, of minor 3.X, not a free-threaded or debug build (Lambda's is
neither), and of this machine's architecture: each is asked once (one `python -I -S -c ...`, about 10 ms) and the
answer is kept for the cloud's life (`Interpreters`), so cold starts start no extra process.

Example:
    >>> found = find_interpreter((3, 99), environ={"PATH": "", "HOME": "/nonexistent"})
    >>> found.interpreter is None, found.tried
    (True, [])
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER, Minor
from fogbank.errors import CloudError

__all__ = ["EMULATE", "FoundInterpreter", "Interpreter", "Interpreters", "find_interpreter", "variable_for"]

EMULATE = "emulate"  # FOGBANK_PYTHON_3_X=emulate: no search, the cloud's interpreter with the emulation
_PROBE_TIMEOUT_S = 10.0
_PROBE = (
    "import json, os, sys, sysconfig; print(json.dumps({'implementation': sys.implementation.name, "
    "'minor': list(sys.version_info[:2]), 'version': sys.version, 'machine': os.uname().machine, "
    "'executable': sys.executable, 'base_prefix': sys.base_prefix, 'abiflags': getattr(sys, 'abiflags', ''), "
    "'cache_tag': sys.implementation.cache_tag, 'libdir': sysconfig.get_config_var('LIBDIR'), "
    "'shared': bool(sysconfig.get_config_var('Py_ENABLE_SHARED'))}))"
)
_MACHINES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


@dataclass(frozen=True)
class Interpreter:
    """A CPython that can run functions of its minor: its real executable (no shim), standard library prefix,
    `sys.version` and bytecode tag (`cpython-313`), where it was found (`how`), and the directory of its shared
    libpython (`library_dir`; None: it links libpython statically), which its LD_LIBRARY_PATH names first
    (library_path.py)."""

    executable: Path
    minor: Minor
    base_prefix: Path
    version: str
    cache_tag: str
    how: str
    library_dir: Path | None = None

    @property
    def runtime(self) -> str:
        """The Lambda runtime it runs: "python3.13"."""
        return f"python{self.minor[0]}.{self.minor[1]}"


def this_interpreter() -> Interpreter:
    """The cloud's own interpreter."""
    return Interpreter(
        Path(os.path.realpath(sys.executable)),
        INTERPRETER,
        Path(sys.base_prefix),
        sys.version,
        sys.implementation.cache_tag or "",
        "the local cloud's own interpreter",
        _library_dir(sysconfig.get_config_var("LIBDIR"), bool(sysconfig.get_config_var("Py_ENABLE_SHARED"))),
    )


def _library_dir(libdir: object, shared: bool) -> Path | None:
    """An interpreter's LIBDIR where it holds its shared libpython (Py_ENABLE_SHARED), else None."""
    if not shared or not isinstance(libdir, str) or not libdir or not os.path.isdir(libdir):
        return None
    return Path(libdir)


@dataclass
class FoundInterpreter:
    """The outcome of a search: the interpreter (None: none qualifies), and each candidate that did not qualify
    with why (`tried`); `error` when FOGBANK_PYTHON_3_X names an interpreter that does not qualify."""

    interpreter: Interpreter | None
    tried: list[str] = field(default_factory=list)
    error: str | None = None
    emulate: bool = False


def variable_for(minor: Minor) -> str:
    """The setting that names the interpreter for a minor: "FOGBANK_PYTHON_3_13"."""
    return f"FOGBANK_PYTHON_{minor[0]}_{minor[1]}"


def find_interpreter(
    minor: Minor, *, environ: Mapping[str, str] | None = None, machine: str | None = None
) -> FoundInterpreter:
    """Search this machine for CPython `minor` of architecture `machine` (Lambda's word; default: this one's),
    in the order of the module's docstring."""
    environ = os.environ if environ is None else environ
    machine = machine or _MACHINES.get(os.uname().machine.lower(), os.uname().machine)
    variable = variable_for(minor)
    explicit = environ.get(variable, "").strip()
    if explicit == EMULATE:
        return FoundInterpreter(None, [f"{variable}={EMULATE}"], emulate=True)
    if explicit:
        interpreter, why = _qualify(Path(explicit), minor, machine, variable)
        if interpreter is None:
            return FoundInterpreter(None, [f"{explicit}: {why}"], error=f"{variable}={explicit}: {why}")
        return FoundInterpreter(interpreter)
    found = FoundInterpreter(None)
    seen: set[str] = set()
    for candidate, how in _candidates(minor, machine, environ):
        real = os.path.realpath(candidate)
        if real in seen:
            continue
        seen.add(real)
        interpreter, why = _qualify(candidate, minor, machine, how)
        if interpreter is not None:
            found.interpreter = interpreter
            return found
        found.tried.append(f"{candidate}: {why}")
    return found


def _candidates(minor: Minor, machine: str, environ: Mapping[str, str]) -> Iterator[tuple[Path, str]]:
    name = f"python{minor[0]}.{minor[1]}"
    for directory in environ.get("PATH", "").split(os.pathsep):
        if not directory or Path(directory).name == "shims":
            continue
        path = Path(directory) / name
        if os.access(path, os.X_OK) and path.is_file():
            yield path, "PATH"
    home = Path(environ.get("HOME") or "~").expanduser()
    pyenv = Path(environ.get("PYENV_ROOT") or home / ".pyenv") / "versions"
    for version in _newest_first(pyenv, rf"{minor[0]}\.{minor[1]}\.(\d+)"):
        yield version / "bin" / name, "pyenv"
    uv = environ.get("UV_PYTHON_INSTALL_DIR") or str(
        Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "uv" / "python"
    )
    uv_machine = {"arm64": "aarch64"}.get(machine, machine)
    for version in _newest_first(Path(uv), rf"cpython-{minor[0]}\.{minor[1]}\.(\d+)-linux-{uv_machine}-gnu"):
        yield version / "bin" / name, "uv"


def _newest_first(directory: Path, pattern: str) -> list[Path]:
    """The entries of `directory` whose whole name matches `pattern` (its group: the patch number)."""
    try:
        names = [entry.name for entry in directory.iterdir()]
    except OSError:
        return []
    matched = [(int(m.group(1)), name) for name in names if (m := re.fullmatch(pattern, name))]
    return [directory / name for _, name in sorted(matched, reverse=True)]


def _qualify(path: Path, minor: Minor, machine: str, how: str) -> tuple[Interpreter | None, str]:
    """Ask `path` what it is: (the interpreter, "") when it can run python3.X functions, else (None, why)."""
    if not path.is_file() or not os.access(path, os.X_OK):
        return None, "no such executable file"
    try:
        done = subprocess.run(
            [str(path), "-I", "-S", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=_PROBE_TIMEOUT_S,
            check=False,
            env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8"},
        )
        facts = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None, "it did not run as a Python interpreter (`python -I -S -c ...` failed)"
    wanted = f"{minor[0]}.{minor[1]}"
    if facts["implementation"] != "cpython":
        return None, f"it is {facts['implementation']}, not CPython (Lambda runs CPython)"
    if tuple(facts["minor"]) != minor:
        return None, f"it is Python {facts['minor'][0]}.{facts['minor'][1]}, not {wanted}"
    if facts["abiflags"]:
        return (
            None,
            f"it is a special build (ABI flags {facts['abiflags']!r}: free-threaded or debug), unlike Lambda's",
        )
    found_machine = _MACHINES.get(str(facts["machine"]).lower(), facts["machine"])
    if found_machine != machine:
        return None, f"it runs on {found_machine}, not this machine's {machine}"
    executable = Path(os.path.realpath(facts["executable"] or path))
    return (
        Interpreter(
            executable,
            minor,
            Path(facts["base_prefix"]),
            facts["version"],
            facts["cache_tag"] or "",
            f"{how}",
            _library_dir(facts.get("libdir"), bool(facts.get("shared"))),
        ),
        "",
    )


class Interpreters:
    """A cloud's answers: each minor is searched for once, on its first function's start (thread-safe).

    `interpreter_for(minor)` is the interpreter that runs functions of that minor (None: the cloud's own, with
    the emulation); it raises CloudError when FOGBANK_PYTHON_3_X names one that does not qualify."""

    def __init__(self, environ: Mapping[str, str] | None = None, machine: str | None = None) -> None:
        self._environ = environ
        self._machine = machine
        self._found: dict[Minor, FoundInterpreter] = {}
        self._lock = threading.Lock()

    def search(self, minor: Minor) -> FoundInterpreter:
        """The search's outcome for `minor` (searched on the first call)."""
        with self._lock:
            found = self._found.get(minor)
            if found is None:
                if minor == INTERPRETER:
                    found = FoundInterpreter(this_interpreter())
                else:
                    found = find_interpreter(minor, environ=self._environ, machine=self._machine)
                self._found[minor] = found
            return found

    def interpreter_for(self, minor: Minor) -> Interpreter | None:
        found = self.search(minor)
        if found.error is not None:
            raise CloudError(
                f"{found.error}; set {variable_for(minor)} to a CPython {minor[0]}.{minor[1]} executable of this "
                f"machine's architecture, or to `{EMULATE}` to run the function on the local cloud's Python "
                f"{INTERPRETER[0]}.{INTERPRETER[1]} with the named minor's standard library emulated "
                "(docs/local-cloud-lambda.md, Runtimes)"
            )
        return found.interpreter
