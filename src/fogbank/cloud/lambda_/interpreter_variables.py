"""A Python function's own PYTHON* variables act as on Lambda, where the runtime's interpreter starts with them.

CPython reads most of its variables once, as it starts (`python --help-env`): PYTHONWARNINGS, PYTHONHASHSEED,
PYTHONUTF8, PYTHONIOENCODING, PYTHONOPTIMIZE, PYTHONDEVMODE, PYTHONMALLOC, PYTHONPATH, ... On Lambda the runtime
process (`/var/lang/bin/python3.x /var/runtime/bootstrap.py`) starts with the function's environment, so they
act; none is a reserved key. A Python environment forked from the zygote would keep the zygote's start-up
settings (its warning filters, its string hash seed, its stdio encodings, its flags), so such a function is
exec'd as a new interpreter inside its namespace, like one that sets LD_PRELOAD (library_path.py).

The exceptions act exactly in a forked environment, because CPython reads them when they are used, not at its
start (`READ_WHEN_USED`): PYTHONBREAKPOINT (at each `breakpoint()`), PYTHONASYNCIODEBUG (as an event loop is
made), PYTHON_COLORS (as a traceback is printed), the interactive-mode ones (PYTHONSTARTUP, PYTHON_BASIC_REPL,
PYTHON_HISTORY: a runtime is never interactive, on Lambda neither) and those of other systems (PYTHONCASEOK,
PYTHONEXECUTABLE, PYTHONLEGACYWINDOWS*: no effect on Linux). PYTHONPATH is not one of them: on Lambda its
directories precede the standard library from the interpreter's first import, which a forked environment,
whose standard library the zygote imported already, cannot have.

Example:
    >>> sets_interpreter_variables({"PYTHONWARNINGS": "error"}), sets_interpreter_variables({"TABLE": "t"})
    (True, False)
    >>> sets_interpreter_variables({"PYTHONBREAKPOINT": "app.hook"})
    False
"""

from __future__ import annotations

__all__ = ["READ_WHEN_USED", "interpreter_variables", "sets_interpreter_variables"]

READ_WHEN_USED = frozenset(
    {
        "PYTHONBREAKPOINT",
        "PYTHONASYNCIODEBUG",
        "PYTHON_COLORS",
        "PYTHONSTARTUP",
        "PYTHON_BASIC_REPL",
        "PYTHON_HISTORY",
        "PYTHONCASEOK",
        "PYTHONEXECUTABLE",
        "PYTHONLEGACYWINDOWSFSENCODING",
        "PYTHONLEGACYWINDOWSSTDIO",
    }
)


def interpreter_variables(environment: dict[str, str]) -> list[str]:
    """The function's own variables that CPython reads as it starts: every `PYTHON*` key but `READ_WHEN_USED`
    (a variable a later CPython adds is taken as read at start: an exec'd environment is exact either way)."""
    return sorted(key for key in environment if key.startswith("PYTHON") and key not in READ_WHEN_USED)


def sets_interpreter_variables(environment: dict[str, str]) -> bool:
    """Whether a Python function's environment must be a new interpreter for its own variables to act."""
    return bool(interpreter_variables(environment))
