"""The cloud's warning, once per function, that it runs the function on another language version than it names.

A `python3.x` function runs on CPython 3.x when this machine has it (interpreters.py): then there is nothing to
say. Otherwise it runs on the local cloud's own interpreter, and every `nodejs*` function on this machine's
`node`, whatever version the function names. What the local cloud emulates of a Python minor (its standard
library's modules, stdlib_versions.py), what it cannot (syntax, attributes inside modules, `sys.version_info`;
for Node.js, everything) and how to provide the named minor's interpreter is said once per function in the
cloud's log, when the function first starts. See docs/local-cloud-lambda.md, "Runtimes".

Example:
    >>> warning = version_warning("f", "python3.13", node_version=lambda: None)
    >>> warning.startswith("function f names python3.13, but the local cloud runs it on Python 3.")
    True
    >>> version_warning("f", f"python{INTERPRETER[0]}.{INTERPRETER[1]}", node_version=lambda: None) is None
    True
"""

from __future__ import annotations

import functools
import logging
import platform
import shutil
import subprocess
import threading
from collections.abc import Callable

from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER, missing_modules, python_minor

__all__ = ["VersionWarnings", "host_node_version", "version_warning"]

_log = logging.getLogger(__name__)
_DOCS = "docs/local-cloud-lambda.md, Runtimes"


@functools.lru_cache(maxsize=4)
def host_node_version(node: str | None = None) -> str | None:
    """This machine's Node.js version ("20.20.2"), from `node --version`; None without node."""
    node = node or shutil.which("node")
    if node is None:
        return None
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip().removeprefix("v") or None


def version_warning(
    function: str,
    runtime: str,
    *,
    node_version: Callable[[], str | None] = host_node_version,
    runs_on: tuple[int, int] = INTERPRETER,
    hint: str | None = None,
) -> str | None:
    """What to tell about `function` whose runtime is `runtime`, run on Python `runs_on` (a Python runtime);
    None when that is the version it names. `hint`: how to have it run on the named minor's interpreter."""
    named = python_minor(runtime)
    if named is not None:
        if named == runs_on:
            return None
        warning = _python_warning(function, runtime, named)
        return f"{warning}. Why not on CPython {named[0]}.{named[1]}: {hint}" if hint else warning
    if runtime.startswith("nodejs"):
        major = runtime.removeprefix("nodejs").split(".")[0]
        version = node_version()
        if not major.isdigit() or version is None or version.split(".")[0] == major:
            return None
        return (
            f"function {function} names {runtime}, but the local cloud runs it on this machine's Node.js {version}: "
            f"the differences between Node.js {major} and {version.split('.')[0]} (APIs, syntax, `process.version`) "
            f"are not emulated, so code that passes here may fail on AWS and the other way round ({_DOCS})"
        )
    return None


def _python_warning(function: str, runtime: str, named: tuple[int, int]) -> str:
    here = platform.python_version()
    hidden = ", ".join(sorted(missing_modules(named))) or "none known"
    if named > INTERPRETER:
        beyond = (
            f"newer syntax (e.g. PEP 695 `type X = ...`), standard-library functions and attributes added after "
            f"{INTERPRETER[0]}.{INTERPRETER[1]} fail here though they work on AWS, and attributes {runtime} removed "
            "from modules that still exist still work here"
        )
    else:
        beyond = (
            f"syntax, standard-library functions and attributes added after {runtime} still work here though they "
            "fail on AWS"
        )
    return (
        f"function {function} names {runtime}, but the local cloud runs it on Python {here}. The standard-library "
        f"modules {runtime} does not have fail to import as on AWS ({hidden}); what is not emulated: {beyond}, and "
        f"sys.version_info says {here} ({_DOCS})"
    )


class VersionWarnings:
    """Logs each function's version warning once (per function and runtime), as a WARNING on this logger."""

    def __init__(self, node_version: Callable[[], str | None] = host_node_version) -> None:
        self._node_version = node_version
        self._told: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def tell(
        self,
        function_arn: str,
        function: str,
        runtime: str,
        *,
        runs_on: tuple[int, int] = INTERPRETER,
        hint: str | None = None,
    ) -> None:
        """Log the warning for `function` unless it was logged for it (and this runtime) already."""
        with self._lock:
            if (function_arn, runtime) in self._told:
                return
            self._told.add((function_arn, runtime))
        warning = version_warning(
            function, runtime, node_version=self._node_version, runs_on=runs_on, hint=hint
        )
        if warning is not None:
            _log.warning(warning)
