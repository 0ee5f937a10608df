"""The standard library of the Python minor a function names, on the local cloud's own interpreter.

A `python3.x` function runs on CPython 3.x when this machine has it (interpreters.py); otherwise on the local
cloud's own interpreter (Python 3.11 here), and this module emulates what it can of the named minor. A function
naming python3.13 that imports `cgi` would pass here and fail on AWS with `Runtime.ImportModuleError: Unable to
import module 'app': No module named 'cgi'`. So, in an environment whose runtime names another minor, the standard
library's copy of every module that minor does not have is not found (`hide_missing_modules`): the import fails
with Python's own `ModuleNotFoundError: No module named 'cgi'`, at the handler's import or later inside it, as it
would there. A module of that name that the function's code or a layer ships (e.g. the `legacy-cgi` package's
`cgi`) is still found: only the standard library's directories are left out of the search for those names.

What cannot be emulated (newer syntax such as PEP 695's `type X = ...`, attributes added to or removed from
modules, `sys.version_info`) is made loud instead: `explain` gives the sentence that the runtime adds to such an
import failure's message, and the cloud logs a warning once per function (`fogbank.cloud.lambda_.runtime_versions`).

The tables come from "What's New in Python 3.x" (New Modules, Removed) and were checked against the
`sys.stdlib_module_names` of CPython 3.10-3.13. Standard library only: it runs inside the runtime (linked there
as `fogbank_stdlib_versions`).

Example:
    >>> sorted(missing_modules((3, 12), here=(3, 11)))
    ['asynchat', 'asyncore', 'distutils', 'imp', 'smtpd']
    >>> sorted(missing_modules((3, 10), here=(3, 11)))
    ['tomllib', 'wsgiref.types']
"""

from __future__ import annotations

import importlib.machinery
import keyword
import linecache
import os
import re
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

__all__ = [
    "ADDED_IN",
    "INTERPRETER",
    "REMOVED_IN",
    "explain",
    "extra_modules",
    "hide_missing_modules",
    "missing_modules",
    "python_minor",
]

Minor = tuple[int, int]
INTERPRETER: Minor = (sys.version_info.major, sys.version_info.minor)

_REMOVED_IN_3_13 = frozenset(
    {
        "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis", "nntplib",
        "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib", "lib2to3", "tkinter.tix",
    }
)  # fmt: skip
# Modules (public ones; `a.b` for a submodule) that each version removed from the standard library.
REMOVED_IN: dict[Minor, frozenset[str]] = {
    (3, 10): frozenset({"formatter", "parser", "symbol"}),
    (3, 11): frozenset({"binhex"}),
    # PEP 632 (distutils), PEP 594's schedule (asynchat, asyncore, smtpd), imp
    (3, 12): frozenset({"asynchat", "asyncore", "distutils", "imp", "smtpd"}),
    # PEP 594's remaining 19 "dead batteries", lib2to3 and tkinter.tix
    (3, 13): _REMOVED_IN_3_13,
    (3, 14): frozenset(),
    (3, 15): frozenset({"sre_compile", "sre_constants", "sre_parse"}),
}
# Modules that each version added to the standard library.
ADDED_IN: dict[Minor, frozenset[str]] = {
    (3, 9): frozenset({"graphlib", "zoneinfo"}),
    (3, 10): frozenset(),
    (3, 11): frozenset({"tomllib", "wsgiref.types"}),
    (3, 12): frozenset(),
    (3, 13): frozenset({"dbm.sqlite3"}),
    (3, 14): frozenset({"annotationlib", "compression", "concurrent.interpreters", "string.templatelib"}),
    (3, 15): frozenset({"math.integer", "profiling"}),
}
_DOCS = "docs/local-cloud-lambda.md, Runtimes"
_ANNOTATED_NAME = re.compile(r"([A-Za-z_][\w.]*)\s*:\s*[^\s=]")  # `total: Money = ...`, `items: list[Item]`


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


class _NamedVersionFinder:
    """The path finder, except that a hidden module is looked for outside the standard library only."""

    def __init__(self, finder: Any, hidden: frozenset[str], stdlib: str) -> None:
        self._finder = finder
        self._hidden = hidden
        self._stdlib = stdlib

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> Any:
        if fullname in self._hidden:
            entries = sys.path if path is None else path
            path = [entry for entry in entries if not _in_stdlib(entry, self._stdlib)]
        return self._finder.find_spec(fullname, path, target)

    def __getattr__(self, name: str) -> Any:  # invalidate_caches, find_distributions, ...
        return getattr(self._finder, name)

    def __repr__(self) -> str:
        return f"<fogbank: {self._finder!r} without {sorted(self._hidden)}>"


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
    sys.meta_path[:] = [
        _NamedVersionFinder(finder, hidden, stdlib) if finder is path_finder else finder
        for finder in sys.meta_path
    ]
    return hidden


def _forget(names: Iterable[str]) -> None:
    """Drop the modules `names` (and their submodules) that were imported already (by the runtime, before the
    function was known), so that the function's own import of them looks them up again."""
    for name in names:
        for loaded in [n for n in sys.modules if n == name or n.startswith(name + ".")]:
            del sys.modules[loaded]


def explain(error: BaseException | None, runtime: str) -> str | None:
    """The sentence to add to a failure's message when this interpreter's version may be its cause: a
    SyntaxError under a newer named runtime, an ImportError/AttributeError about a standard-library name that
    the named version may have, or a NameError in an annotation under python3.14 or later (which evaluates
    annotations only when asked, PEP 649). None otherwise, e.g. for a module the named version does not have either
    (its message is AWS's as it is) or for a third-party module that is missing.

    Example:
        >>> explain(ImportError("cannot import name 'override' from 'typing'", name="typing"), "python3.12")[:42]
        'This machine runs the function on Python 3'
    """
    named = python_minor(runtime)
    if error is None or named is None or named == INTERPRETER:
        return None
    if not _may_be_the_version(error, named):
        return None
    here = f"{INTERPRETER[0]}.{INTERPRETER[1]}"
    return (
        f"This machine runs the function on Python {here} while it names {runtime}: code that needs "
        f"{runtime}'s syntax or standard library fails here but may run on AWS ({_DOCS})."
    )


def _may_be_the_version(error: BaseException, named: Minor) -> bool:
    if isinstance(error, SyntaxError):
        return named > INTERPRETER
    if isinstance(error, ImportError):
        name = error.name or ""
        if name in missing_modules(named):  # the named version lacks it too: AWS's message, as it is
            return False
        if name in extra_modules(named) or name.split(".")[0] in extra_modules(named):
            return True
        return named > INTERPRETER and _is_stdlib_name(name) and not isinstance(error, ModuleNotFoundError)
    if isinstance(error, NameError) and named >= (3, 14) > INTERPRETER:
        return _raised_in_an_annotation(error)  # PEP 649: 3.14 evaluates annotations only when asked
    if isinstance(error, AttributeError):
        owner = getattr(error, "obj", None)
        return named > INTERPRETER and isinstance(owner, ModuleType) and _is_stdlib_name(owner.__name__)
    return False


def _raised_in_an_annotation(error: BaseException) -> bool:
    """Whether the line that raised `error` looks like an annotation (`-> T`, `x: T`, a `def` with them)."""
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    if trace is None:
        return False
    line = linecache.getline(trace.tb_frame.f_code.co_filename, trace.tb_lineno).strip()
    annotated = _ANNOTATED_NAME.match(line)
    if annotated is not None and keyword.iskeyword(
        annotated.group(1)
    ):  # `else: x`, `try: x` are no annotations
        annotated = None
    return "->" in line or line.startswith(("def ", "async def ")) or annotated is not None


def _is_stdlib_name(name: str) -> bool:
    return bool(name) and name.split(".")[0] in sys.stdlib_module_names
