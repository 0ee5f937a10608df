"""The standard library of the Python minor a function names, on the local cloud's own interpreter.

A `python3.x` function runs on CPython 3.x when this machine has it (interpreters.py); otherwise on the local
cloud's own interpreter (Python 3.11 here), and this module emulates what it can of the named minor. A function
naming python3.13 that imports `cgi` would pass here and fail on AWS with `Runtime.ImportModuleError: Unable to
import module 'app': No module named 'cgi'`. So, in an environment whose runtime names another minor, the standard
library's copy of every module that minor does not have is not found (`hide_missing_modules`): the import fails
with Python's own `ModuleNotFoundError: No module named 'cgi'`, at the handler's import or later inside it, as it
would there. A module of that name that the function's code or a layer ships (e.g. the `legacy-cgi` package's
`cgi`) is still found: only the standard library's directories are left out of the search for those names.
Submodules too (`asyncio.taskgroups` under python3.10): where the package loads one itself, that import is
left alone and the submodule is dropped from the package once it has run, so the function's own import fails.

What cannot be emulated (newer syntax such as PEP 695's `type X = ...`, attributes added to or removed from
modules, `sys.version_info`) is made loud instead (version_errors.py), and the cloud logs a warning once per
function (`fogbank.cloud.lambda_.runtime_versions`).

The tables come from "What's New in Python 3.x" (New Modules, Removed) and are proven complete, module by
module and submodule by submodule, against the standard libraries of CPython 3.9, 3.10, 3.12 and 3.13
(tests/unit/cloud/lambda_/test_stdlib_versions.py; `NOT_HIDDEN` lists what is left out and why).
Standard library only: it runs inside the runtime (linked there as `fogbank_stdlib_versions`).

Example:
    >>> sorted(missing_modules((3, 12), here=(3, 11)))[1:]
    ['asynchat', 'asyncore', 'ctypes.test', 'distutils', 'imp', 'smtpd', 'tkinter.test', 'unittest.test']
    >>> sorted(missing_modules((3, 10), here=(3, 11)))[-2:]
    ['tomllib', 'wsgiref.types']
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import ModuleType
from typing import Any

__all__ = [
    "ADDED_IN",
    "INTERPRETER",
    "NOT_HIDDEN",
    "REMOVED_IN",
    "extra_modules",
    "hide_missing_modules",
    "is_stdlib_name",
    "missing_modules",
    "python_minor",
]

Minor = tuple[int, int]
INTERPRETER: Minor = (sys.version_info.major, sys.version_info.minor)

_REMOVED_IN_3_13 = frozenset(
    {
        "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis", "nntplib",
        "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib", "lib2to3", "tkinter.tix",
        "_crypt", "_xxsubinterpreters",  # crypt's extension; renamed _interpreters (PEP 734's groundwork)
    }
)  # fmt: skip
_REMOVED_IN_3_12 = frozenset(
    {"asynchat", "asyncore", "distutils", "imp", "smtpd", "ctypes.test", "tkinter.test", "unittest.test",
     "_bootsubprocess"}
)  # fmt: skip
_ADDED_IN_3_11 = frozenset(
    {"tomllib", "wsgiref.types", "asyncio.taskgroups", "asyncio.timeouts", "importlib.resources.abc",
     "importlib.resources.readers", "importlib.resources.simple", "importlib.simple"}
)  # fmt: skip
# Modules (`a.b` for a submodule; private ones a function could import too) that each version removed.
REMOVED_IN: dict[Minor, frozenset[str]] = {
    (3, 10): frozenset({"formatter", "parser", "symbol", "_peg_parser"}),
    (3, 11): frozenset({"binhex"}),
    # PEP 632 (distutils), PEP 594's schedule (asynchat, asyncore, smtpd), imp; the packages' own tests moved
    # to the `test` package
    (3, 12): _REMOVED_IN_3_12,
    # PEP 594's remaining 19 "dead batteries", lib2to3 and tkinter.tix
    (3, 13): _REMOVED_IN_3_13,
    (3, 14): frozenset(),
    (3, 15): frozenset({"sre_compile", "sre_constants", "sre_parse"}),
}
# Modules that each version added to the standard library.
ADDED_IN: dict[Minor, frozenset[str]] = {
    (3, 9): frozenset({"graphlib", "zoneinfo"}),
    (3, 10): frozenset({"asyncio.mixins", "importlib.readers", "_testclinic", "xxlimited_35"}),
    (3, 11): _ADDED_IN_3_11,
    (3, 12): frozenset({"zipfile._path", "_pydatetime", "_pylong"}),
    (3, 13): frozenset({"dbm.sqlite3", "importlib.metadata.diagnose", "_colorize", "_pyrepl"}),
    (3, 14): frozenset({"annotationlib", "compression", "concurrent.interpreters", "string.templatelib"}),
    (3, 15): frozenset({"math.integer", "profiling"}),
}
# Private modules a version added or removed that are not in the tables: the standard library imports them
# itself (`re._compiler` from `re`, `importlib.resources._common`, `_typing` from `typing`, `_sha512` from
# `random`), so hiding them would break their public module; or they are built in or frozen (`_tokenize`,
# `__hello__`), which no path search finds; or they are a build's test extensions. A function importing one
# of them directly is not emulated (test_stdlib_versions.py walks every module of the installed minors).
NOT_HIDDEN = frozenset(
    {
        "re._casefix", "re._compiler", "re._constants", "re._parser", "importlib._abc", "importlib._adapters",
        "importlib._common", "importlib.metadata._adapters", "importlib.metadata._collections",
        "importlib.metadata._functools", "importlib.metadata._itertools", "importlib.metadata._meta",
        "importlib.metadata._text", "importlib.resources._adapters", "importlib.resources._common",
        "importlib.resources._itertools", "importlib.resources._legacy", "importlib.resources._functional",
        "_typing", "_tokenize", "_sha256", "_sha512", "_sha2", "_bootlocale", "__hello__", "__phello__",
        "_testsinglephase", "_xxinterpchannels", "_interpchannels", "_interpqueues", "_interpreters",
        "_testclinic_limited", "_testexternalinspection", "_testlimitedcapi", "_android_support", "_ios_support",
        "_opcode_metadata", "_suggestions", "_sysconfig", "pathlib._abc", "pathlib._local", "sqlite3.__main__",
        "sysconfig.__main__", "zipfile.__main__", "sqlite3.test", "ensurepip._bundled",
        "distutils.command.bdist_msi", "distutils.command.bdist_wininst",
    }
)  # fmt: skip


def python_minor(runtime: str) -> Minor | None:
    """(3, 13) for "python3.13"; None for anything else (nodejs20.x, provided.al2023, python2.7 ...)."""
    major, dot, minor = runtime.removeprefix("python").partition(".")
    if not runtime.startswith("python") or not dot or not (major + minor).isdigit() or major != "3":
        return None
    return 3, int(minor)


def _between(table: dict[Minor, frozenset[str]], low: Minor, high: Minor) -> frozenset[str]:
    """The union of `table`'s entries for the versions after `low`, up to and including `high`."""
    return frozenset().union(*(names for version, names in table.items() if low < version <= high))


def missing_modules(named: Minor, *, here: Minor = INTERPRETER) -> frozenset[str]:
    """Modules this interpreter (`here`) has that the `named` version does not."""
    if named > here:
        return _between(REMOVED_IN, here, named)
    return _between(ADDED_IN, named, here)


def extra_modules(named: Minor, *, here: Minor = INTERPRETER) -> frozenset[str]:
    """Modules the `named` version has that this interpreter (`here`) does not."""
    if named > here:
        return _between(ADDED_IN, here, named)
    return _between(REMOVED_IN, named, here)


def _stdlib_dir() -> str:
    return os.path.dirname(os.__file__)


def _in_stdlib(entry: str, stdlib: str) -> bool:
    """Whether a path entry is the standard library's (its directory, lib-dynload, a package in it, its zip)."""
    entry = os.path.normpath(entry or ".")
    if entry == stdlib:
        return True
    if entry.startswith(stdlib + os.sep):
        return entry[len(stdlib) + 1 :].split(os.sep)[0] not in ("site-packages", "dist-packages")
    home = os.path.dirname(stdlib)
    return entry == os.path.join(home, f"python{INTERPRETER[0]}{INTERPRETER[1]}.zip")


class _NamedVersionSearch:
    """PathFinder.find_spec, except that a hidden module is looked for outside the standard library only, unless
    the standard library imports it itself (asyncio's own `from .taskgroups import *` under an older named minor);
    once such a package has run, the hidden submodules it loaded are dropped from it and from sys.modules, and
    once pkgutil has, its iter_modules leaves the hidden ones out."""

    def __init__(self, find_spec: Any, hidden: frozenset[str], stdlib: str) -> None:
        self._find_spec = find_spec
        self._hidden = hidden
        self._stdlib = stdlib
        self._packages = {name.rpartition(".")[0] for name in hidden if "." in name}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> Any:
        if fullname in self._hidden and not _imported_by_the_stdlib(self._stdlib):
            entries = sys.path if path is None else path
            path = [entry for entry in entries if not _in_stdlib(entry, self._stdlib)]
        spec = self._find_spec(fullname, path, target)
        loader = getattr(spec, "loader", None)
        if loader is not None and fullname in self._packages:
            _after_running(loader, lambda: _drop_hidden_submodules(fullname, self._hidden))
        elif loader is not None and fullname == "pkgutil":
            _after_running(loader, lambda: _leave_out_of_pkgutil(self._hidden, self._stdlib))
        return spec


def _imported_by_the_stdlib(stdlib: str) -> bool:
    """Whether the import being searched for was asked for by a standard-library module's code."""
    frame = sys._getframe(2)
    while frame is not None and (
        frame.f_code.co_filename.startswith("<frozen importlib") or frame.f_code in _ASKED_FOR_THE_CALLER
    ):
        frame = frame.f_back  # type: ignore[assignment]
    return frame is not None and _in_stdlib(os.path.dirname(frame.f_code.co_filename), stdlib)


# importlib's functions that search on behalf of their caller (where a build does not freeze them)
_ASKED_FOR_THE_CALLER = frozenset({importlib.import_module.__code__, importlib.util.find_spec.__code__})


def _after_running(loader: Any, then: Callable[[], None]) -> None:
    """Call `then` once `loader` has run its module."""
    execute = loader.exec_module

    def exec_module(module: ModuleType) -> None:
        execute(module)
        then()

    loader.exec_module = exec_module


def _leave_out_of_pkgutil(hidden: frozenset[str], stdlib: str) -> None:
    """pkgutil.iter_modules (and walk_packages, which uses it) lists no standard-library module that is hidden."""
    pkgutil: Any = sys.modules["pkgutil"]
    iter_modules = pkgutil.iter_modules

    def iter_modules_of_the_named_minor(path: Iterable[str] | None = None, prefix: str = "") -> Iterator[Any]:
        for info in iter_modules(path, prefix):
            if info.name not in hidden or not _in_stdlib(getattr(info.module_finder, "path", ""), stdlib):
                yield info

    pkgutil.iter_modules = iter_modules_of_the_named_minor


def _drop_hidden_submodules(package: str, hidden: Iterable[str]) -> None:
    """Forget the hidden submodules of `package` that it loaded itself (asyncio.taskgroups on 3.11), so that
    the function's `import asyncio.taskgroups` or `from asyncio import taskgroups` looks for them, and fails."""
    loaded = sys.modules.get(package)
    for name in hidden:
        parent, _, child = name.rpartition(".")
        if parent == package and sys.modules.pop(name, None) is not None and hasattr(loaded, child):
            delattr(loaded, child)


def hide_missing_modules(runtime: str) -> frozenset[str]:
    """In this environment, the standard library's copy of each module that `runtime` (e.g. "python3.13")
    does not have is no longer found, also where the runtime imported it already. Returns those names (none
    when `runtime` is this interpreter's minor or not a Python runtime)."""
    named = python_minor(runtime)
    if named is None or named == INTERPRETER:
        return frozenset()
    hidden = missing_modules(named)
    _forget(hidden)
    stdlib = _stdlib_dir()
    path_finder = importlib.machinery.PathFinder
    path_finder.find_spec = _NamedVersionSearch(path_finder.find_spec, hidden, stdlib).find_spec  # type: ignore[method-assign]
    if "pkgutil" in sys.modules:
        _leave_out_of_pkgutil(hidden, stdlib)
    return hidden


def _forget(names: Iterable[str]) -> None:
    """Drop the modules `names` (and their submodules) that were imported already (by the runtime, before the
    function was known), so that the function's own import of them looks them up again."""
    for name in names:
        package = name.rpartition(".")[0]
        if package in sys.modules:
            _drop_hidden_submodules(package, [name])
        for loaded in [n for n in sys.modules if n.startswith(name + ".")]:
            del sys.modules[loaded]
        sys.modules.pop(name, None)


def is_stdlib_name(name: str) -> bool:
    """Whether `name` (or its top-level package) is one of this interpreter's standard-library modules."""
    return bool(name) and name.split(".")[0] in sys.stdlib_module_names
