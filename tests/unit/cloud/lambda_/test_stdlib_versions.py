"""The standard library of a function's named Python minor (fogbank.cloud.lambda_.stdlib_versions).

The hiding itself changes the importing interpreter, so those tests run it in a child interpreter started the way
a worker is (`-S`, the module from its file).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.lambda_ import stdlib_versions
from fogbank.cloud.lambda_.stdlib_versions import (
    ADDED_IN,
    INTERPRETER,
    NOT_HIDDEN,
    REMOVED_IN,
    extra_modules,
    missing_modules,
    python_minor,
)

# "What's New in Python 3.12", Removed; "What's New in Python 3.13", PEP 594's 19 dead batteries and others
PEP_594_IN_3_13 = [
    "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis", "nntplib",
    "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib",
]  # fmt: skip

# the packages' own tests moved to `test` in 3.12 (with the build helper _bootsubprocess)
TESTS_MOVED_IN_3_12 = ["ctypes.test", "tkinter.test", "unittest.test", "_bootsubprocess"]
SUBMODULES_NEW_IN_3_11 = [
    "asyncio.taskgroups", "asyncio.timeouts", "importlib.resources.abc", "importlib.resources.readers",
    "importlib.resources.simple", "importlib.simple",
]  # fmt: skip
NEW_IN_3_10 = ["asyncio.mixins", "importlib.readers", "_testclinic", "xxlimited_35"]


@pytest.mark.parametrize(
    ("runtime", "minor"),
    [("python3.13", (3, 13)), ("python3.9", (3, 9)), ("python3.15", (3, 15)), ("python2.7", None),
     ("nodejs20.x", None), ("provided.al2023", None), ("python3", None), ("python3.x", None), ("", None)],
)  # fmt: skip
def test_python_minor_reads_a_python3_runtime(runtime: str, minor: tuple[int, int] | None) -> None:
    # GIVEN a runtime identifier WHEN it is read THEN a python3.x one gives its minor, anything else None
    assert python_minor(runtime) == minor


def test_the_tables_hold_what_whats_new_lists() -> None:
    # GIVEN the removals and additions of "What's New in Python 3.x"
    # WHEN the tables are read THEN they are those lists
    assert REMOVED_IN[(3, 12)] == {"asynchat", "asyncore", "distutils", "imp", "smtpd", *TESTS_MOVED_IN_3_12}
    assert REMOVED_IN[(3, 13)] == {*PEP_594_IN_3_13, "lib2to3", "tkinter.tix", "_crypt", "_xxsubinterpreters"}
    assert REMOVED_IN[(3, 14)] == set()
    assert REMOVED_IN[(3, 15)] == {"sre_compile", "sre_constants", "sre_parse"}
    assert ADDED_IN[(3, 11)] == {"tomllib", "wsgiref.types", *SUBMODULES_NEW_IN_3_11}
    assert ADDED_IN[(3, 14)] == {
        "annotationlib",
        "compression",
        "concurrent.interpreters",
        "string.templatelib",
    }


@pytest.mark.parametrize(
    ("named", "missing"),
    [
        ((3, 11), set()),
        ((3, 12), {"asynchat", "asyncore", "distutils", "imp", "smtpd", *TESTS_MOVED_IN_3_12}),
        ((3, 13), {"asynchat", "asyncore", "distutils", "imp", "smtpd", *TESTS_MOVED_IN_3_12, *PEP_594_IN_3_13,
                   "lib2to3", "tkinter.tix", "_crypt", "_xxsubinterpreters"}),
        ((3, 10), {"tomllib", "wsgiref.types", *SUBMODULES_NEW_IN_3_11}),
        ((3, 9), {"tomllib", "wsgiref.types", *SUBMODULES_NEW_IN_3_11, *NEW_IN_3_10}),
    ],
)  # fmt: skip
def test_missing_modules_are_those_removed_after_or_added_since(
    named: tuple[int, int], missing: set[str]
) -> None:
    # GIVEN a 3.11 interpreter and a named minor WHEN its missing modules are computed THEN they are the difference
    assert missing_modules(named, here=(3, 11)) == missing


def test_extra_modules_are_the_other_direction() -> None:
    # GIVEN a 3.11 interpreter WHEN a newer or older minor's extra modules are computed
    # THEN they are what that version added since, or what 3.11 removed since it
    assert extra_modules((3, 14), here=(3, 11)) == ADDED_IN[(3, 12)] | ADDED_IN[(3, 13)] | ADDED_IN[(3, 14)]
    assert extra_modules((3, 9), here=(3, 11)) == {"formatter", "parser", "symbol", "_peg_parser", "binhex"}


@pytest.mark.skipif(INTERPRETER != (3, 11), reason="checks the tables against this 3.11 interpreter")
def test_every_module_hidden_from_a_newer_minor_is_one_this_interpreter_finds_on_its_path() -> None:
    # GIVEN the modules a python3.15 function must not find
    hidden = missing_modules((3, 15))

    # WHEN they are looked up in this interpreter
    tops = {name.split(".")[0] for name in hidden}

    # THEN each is this interpreter's standard library, and none is built in or frozen (only the path finder
    # hides; a built-in or frozen one would still be found)
    stdlib = Path(json.__file__).parent.parent
    found = {top: importlib.util.find_spec(top) for top in tops - set(sys.stdlib_module_names)}
    assert all(spec and Path(spec.origin or "").is_relative_to(stdlib) for spec in found.values()), found
    assert not tops & set(sys.builtin_module_names)
    import _imp

    assert not [name for name in tops if _imp.is_frozen(name)]
    # AND nothing added since 3.11 is here already
    assert not {name for name in extra_modules((3, 15)) if "." not in name} & set(sys.stdlib_module_names)


@pytest.mark.parametrize("version", ["3.10", "3.12", "3.13"])
def test_the_tables_match_another_installed_interpreters_stdlib_module_names(version: str) -> None:
    # GIVEN another CPython installed on this machine (pyenv's, where present)
    other = next(iter(sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))), None)
    if other is None:
        pytest.skip(f"no python{version} on this machine to check the tables against")
    names = subprocess.run(
        [str(other), "-c", "import sys, json; print(json.dumps(sorted(sys.stdlib_module_names)))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    theirs = {name for name in json.loads(names) if not name.startswith("_")}
    ours = {name for name in sys.stdlib_module_names if not name.startswith("_")}
    named = tuple(int(part) for part in version.split("."))

    # WHEN the tables' top-level differences are compared with the real ones
    # THEN they are the same
    public = re.compile(r"[^._][^.]*$")
    assert set(filter(public.match, missing_modules(named))) == ours - theirs  # type: ignore[arg-type]
    assert set(filter(public.match, extra_modules(named))) == theirs - ours  # type: ignore[arg-type]


def _in_worker_interpreter(tmp_path: Path, runtime: str, body: str, before: str = "") -> Any:
    """Run `body` in a `python -S` child after `before` and hide_missing_modules(runtime), with `tmp_path/task`
    first on sys.path (as a task root); the child prints one JSON value."""
    (tmp_path / "task").mkdir(exist_ok=True)
    script = textwrap.dedent(
        f"""
        import json, sys, importlib.util
        spec = importlib.util.spec_from_file_location("fogbank_stdlib_versions", {stdlib_versions.__file__!r})
        module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
        sys.path.insert(0, {str(tmp_path / "task")!r})
        {before}
        hidden = module.hide_missing_modules({runtime!r})
        def attempt(name):
            try:
                importlib.import_module(name)
                return "ok"
            except ImportError as exc:
                return f"{{type(exc).__name__}}: {{exc}}"
        """
    ) + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_newer_minor_does_not_find_the_stdlib_modules_it_lacks(tmp_path: Path) -> None:
    # GIVEN an environment of a python3.13 function WHEN it imports removed and kept modules
    result = _in_worker_interpreter(
        tmp_path,
        "python3.13",
        'print(json.dumps([attempt(n) for n in ("cgi", "distutils.util", "json", "email.mime.text")]))',
    )

    # THEN the removed ones fail with Python's own error and message; the others import
    assert result == [
        "ModuleNotFoundError: No module named 'cgi'",
        "ModuleNotFoundError: No module named 'distutils'",
        "ok",
        "ok",
    ]


def test_an_older_minor_does_not_find_the_stdlib_modules_added_after_it(tmp_path: Path) -> None:
    # GIVEN an environment of a python3.10 function WHEN it imports tomllib, wsgiref.types and wsgiref
    result = _in_worker_interpreter(
        tmp_path,
        "python3.10",
        'print(json.dumps([attempt(n) for n in ("tomllib", "wsgiref.types", "wsgiref")]))',
    )

    # THEN the two added in 3.11 are not found, the package that was there is
    assert result == [
        "ModuleNotFoundError: No module named 'tomllib'",
        "ModuleNotFoundError: No module named 'wsgiref.types'",
        "ok",
    ]


def test_a_module_imported_before_the_function_was_known_is_hidden_too(tmp_path: Path) -> None:
    # GIVEN a module the runtime had imported before (a zygote's preload) WHEN a python3.13 function imports it
    script = 'print(json.dumps([attempt("uu"), "uu" in sys.modules, importlib.util.find_spec("uu") is None]))'
    result = _in_worker_interpreter(tmp_path, "python3.13", script, before="import uu")

    # THEN it is not found, not in sys.modules and not found by find_spec either
    assert result == ["ModuleNotFoundError: No module named 'uu'", False, True]


def test_the_functions_own_module_of_a_removed_name_is_found(tmp_path: Path) -> None:
    # GIVEN a task root shipping its own cgi.py (as the legacy-cgi package does)
    (tmp_path / "task").mkdir()
    (tmp_path / "task" / "cgi.py").write_text("SHIPPED = 'yes'\n")

    # WHEN a python3.13 environment imports cgi THEN it gets that one
    result = _in_worker_interpreter(tmp_path, "python3.13", "import cgi\nprint(json.dumps(cgi.SHIPPED))")
    assert result == "yes"


def test_the_same_minor_changes_nothing_and_metadata_still_works(tmp_path: Path) -> None:
    # GIVEN environments of this interpreter's own minor and of python3.13
    here = f"python{INTERPRETER[0]}.{INTERPRETER[1]}"
    body = """
        import importlib.metadata
        print(json.dumps([sorted(hidden), attempt("cgi"), list(importlib.metadata.distributions())[:0]]))
    """

    # WHEN each hides what its minor lacks
    same = _in_worker_interpreter(tmp_path, here, body)
    newer = _in_worker_interpreter(tmp_path, "python3.13", body)

    # THEN the same minor hides nothing; the other hides, and distribution lookups still work through the finder
    assert same == [[], "ok", []]
    assert "cgi" in newer[0] and newer[1].startswith("ModuleNotFoundError")


def test_an_older_minor_does_not_find_submodules_its_package_loads_here(tmp_path: Path) -> None:
    # GIVEN an environment of a python3.10 function, where asyncio itself loads asyncio.taskgroups (3.11)
    # WHEN it imports asyncio, then the 3.11 submodules in each way an import can be written
    script = """
    def statement(source):
        try:
            exec(source, {"__name__": "app"})
            return "ok"
        except ImportError as exc:
            return f"{type(exc).__name__}: {exc}".split(" (")[0]
    print(json.dumps([
        statement("import asyncio"), statement("import asyncio.taskgroups"), statement("from asyncio import timeouts"),
        attempt("importlib.resources.abc"), attempt("importlib.simple"), statement("import asyncio.locks"),
        statement("from asyncio import TaskGroup"),
    ]))
    """
    result = _in_worker_interpreter(tmp_path, "python3.10", script)

    # THEN asyncio works, its 3.11 submodules fail as on 3.10 (attributes are not emulated)
    assert result == [
        "ok",
        "ModuleNotFoundError: No module named 'asyncio.taskgroups'",
        "ImportError: cannot import name 'timeouts' from 'asyncio'",
        "ModuleNotFoundError: No module named 'importlib.resources.abc'",
        "ModuleNotFoundError: No module named 'importlib.simple'",
        "ok",
        "ok",
    ]


@pytest.mark.parametrize("before", ["", "import pkgutil"])
def test_a_direct_path_finder_search_and_pkgutil_do_not_see_hidden_modules(
    tmp_path: Path, before: str
) -> None:
    # GIVEN an environment of a python3.13 function (pkgutil imported by the runtime before, or not)
    # WHEN it searches for cgi with the path finder itself, importlib.util and pkgutil
    script = """
    import importlib.machinery, pkgutil
    listed = {info.name for info in pkgutil.iter_modules()}
    walked = {info.name for info in pkgutil.walk_packages(pkgutil.importlib.__path__, "importlib.")}
    print(json.dumps([
        importlib.machinery.PathFinder.find_spec("cgi") is None, importlib.util.find_spec("cgi") is None,
        "cgi" in listed, "json" in listed, "importlib.metadata" in walked,
    ]))
    """
    result = _in_worker_interpreter(tmp_path, "python3.13", script, before=before)

    # THEN none of them finds it, and what python3.13 has is still listed
    assert result == [True, True, False, True, True]


def test_an_older_minor_does_not_list_submodules_pkgutil_walks(tmp_path: Path) -> None:
    # GIVEN an environment of a python3.10 function WHEN pkgutil walks importlib.resources
    script = """
    import pkgutil, importlib.resources
    print(json.dumps(sorted(i.name for i in pkgutil.iter_modules(importlib.resources.__path__, "importlib.resources."))))
    """
    result = _in_worker_interpreter(tmp_path, "python3.10", script)

    # THEN the submodules added in 3.11 are not listed; those left alone (NOT_HIDDEN, private) are
    assert "importlib.resources.abc" not in result and "importlib.resources.readers" not in result
    assert "importlib.resources._common" in result


def test_a_newer_minor_does_not_find_private_modules_it_lacks(tmp_path: Path) -> None:
    # GIVEN an environment of a python3.13 function WHEN it imports _crypt (crypt's extension, gone in 3.13)
    result = _in_worker_interpreter(tmp_path, "python3.13", 'print(json.dumps(attempt("_crypt")))')

    # THEN it is not found, as on AWS
    assert result == "ModuleNotFoundError: No module named '_crypt'"


# Each interpreter lists its own standard library from its files (packages, `.py` modules, lib-dynload's
# extensions, what is built in) without importing any of it; packages' test suites are no API a function imports.
LIST_MODULES = r"""
import json, os, sys, sysconfig
names = set(sys.builtin_module_names)
def walk(directory, prefix):
    for entry in os.listdir(directory):
        path = os.path.join(directory, entry)
        if entry in ("site-packages", "dist-packages", "__pycache__"):
            continue
        if os.path.isdir(path):
            if not prefix and entry == "lib-dynload":
                walk(path, "")
            elif entry.isidentifier() and os.path.exists(os.path.join(path, "__init__.py")):
                names.add(prefix + entry)
                walk(path, prefix + entry + ".")
        elif entry.endswith((".py", ".so")) and entry.split(".")[0].isidentifier() and entry != "__init__.py":
            names.add(prefix + entry.split(".")[0])
walk(sysconfig.get_paths()["stdlib"], "")
print(json.dumps(sorted(names)))
"""
INSTALLED = {"3.9": "3.9.18", "3.10": "3.10.13", "3.12": "3.12.1", "3.13": "3.13.0"}


@functools.cache
def _modules(python: str) -> frozenset[str]:
    done = subprocess.run([python, "-S", "-c", LIST_MODULES], capture_output=True, text=True, check=True)
    return frozenset(name for name in json.loads(done.stdout) if not _a_test_suite(name))


def _a_test_suite(name: str) -> bool:
    parts = name.split(".")
    return parts[0] in ("test", "idlelib", "turtledemo") or "tests" in parts or "test" in parts[:-1]


def _covered(name: str, names: frozenset[str]) -> bool:
    """Whether `name` or a package of it is in `names`."""
    parts = name.split(".")
    return any(".".join(parts[:end]) in names for end in range(1, len(parts) + 1))


def _interpreter(version: str) -> str:
    python = Path.home() / ".pyenv" / "versions" / INSTALLED[version] / "bin" / f"python{version}"
    if not python.exists():
        pytest.skip(f"{python} is not installed: the tables cannot be checked against CPython {version} here")
    return str(python)


@pytest.mark.skipif(
    INTERPRETER != (3, 11), reason="the tables' NOT_HIDDEN entries are written for a 3.11 cloud"
)
@pytest.mark.parametrize("version", sorted(INSTALLED))
def test_every_module_and_submodule_the_named_minor_lacks_is_hidden_or_said_not_to_be(version: str) -> None:
    # GIVEN the standard library of this interpreter and of another installed minor, module by module
    named = (3, int(version.split(".")[1]))
    ours, theirs = _modules(sys.executable), _modules(_interpreter(version))

    # WHEN they are compared with the tables
    hidden, extra = missing_modules(named), extra_modules(named)
    not_hidden = [n for n in sorted(ours - theirs) if not _covered(n, hidden) and not _covered(n, NOT_HIDDEN)]
    not_told = [n for n in sorted(theirs - ours) if not _covered(n, extra) and not _covered(n, NOT_HIDDEN)]
    wrongly_hidden = sorted(name for name in hidden & ours if name in theirs)

    # THEN every module of ours the named minor lacks is hidden (or listed, with its reason, in NOT_HIDDEN),
    # every module it has and we lack is known, and nothing it has is hidden
    assert not_hidden == []
    assert not_told == []
    assert wrongly_hidden == []
