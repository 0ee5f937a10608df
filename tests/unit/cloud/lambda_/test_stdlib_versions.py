"""The standard library of a function's named Python minor (fogbank.cloud.lambda_.stdlib_versions).

The hiding itself changes the importing interpreter, so those tests run it in a child interpreter started the way
a worker is (`-S`, the module from its file).
"""

from __future__ import annotations

import json
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
    REMOVED_IN,
    explain,
    extra_modules,
    missing_modules,
    python_minor,
)

# "What's New in Python 3.12", Removed; "What's New in Python 3.13", PEP 594's 19 dead batteries and others
PEP_594_IN_3_13 = [
    "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis", "nntplib",
    "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib",
]  # fmt: skip


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
    assert REMOVED_IN[(3, 12)] == {"asynchat", "asyncore", "distutils", "imp", "smtpd"}
    assert REMOVED_IN[(3, 13)] == {*PEP_594_IN_3_13, "lib2to3", "tkinter.tix"}
    assert REMOVED_IN[(3, 14)] == set()
    assert REMOVED_IN[(3, 15)] == {"sre_compile", "sre_constants", "sre_parse"}
    assert ADDED_IN[(3, 11)] == {"tomllib", "wsgiref.types"}
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
        ((3, 12), {"asynchat", "asyncore", "distutils", "imp", "smtpd"}),
        ((3, 13), {"asynchat", "asyncore", "distutils", "imp", "smtpd", *PEP_594_IN_3_13, "lib2to3", "tkinter.tix"}),
        ((3, 10), {"tomllib", "wsgiref.types"}),
        ((3, 9), {"tomllib", "wsgiref.types"}),
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
    assert extra_modules((3, 14), here=(3, 11)) == ADDED_IN[(3, 13)] | ADDED_IN[(3, 14)]
    assert extra_modules((3, 9), here=(3, 11)) == {"formatter", "parser", "symbol", "binhex"}


@pytest.mark.skipif(INTERPRETER != (3, 11), reason="checks the tables against this 3.11 interpreter")
def test_every_module_hidden_from_a_newer_minor_is_one_this_interpreter_finds_on_its_path() -> None:
    # GIVEN the modules a python3.15 function must not find
    hidden = missing_modules((3, 15))

    # WHEN they are looked up in this interpreter
    tops = {name.split(".")[0] for name in hidden}

    # THEN each is this interpreter's standard library, and none is built in or frozen (only the path finder
    # hides; a built-in or frozen one would still be found)
    assert tops <= set(sys.stdlib_module_names)
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
    assert {n for n in missing_modules(named) if "." not in n} == ours - theirs  # type: ignore[arg-type]
    assert {n for n in extra_modules(named) if "." not in n} == theirs - ours  # type: ignore[arg-type]


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


@pytest.mark.parametrize(
    ("error", "runtime", "explained"),
    [
        (SyntaxError("invalid syntax"), "python3.12", True),
        (SyntaxError("invalid syntax"), "python3.10", False),
        (SyntaxError("invalid syntax"), f"python{INTERPRETER[0]}.{INTERPRETER[1]}", False),
        (ImportError("cannot import name 'override' from 'typing'", name="typing"), "python3.12", True),
        (ModuleNotFoundError("No module named 'annotationlib'", name="annotationlib"), "python3.14", True),
        (ModuleNotFoundError("No module named 'cgi'", name="cgi"), "python3.13", False),
        (ModuleNotFoundError("No module named 'requests'", name="requests"), "python3.13", False),
        (ModuleNotFoundError("No module named 'binhex'", name="binhex"), "python3.10", True),
        (AttributeError("module 'itertools' has no attribute 'batched'", name="batched", obj=__import__("itertools")), "python3.12", True),
        (AttributeError("'NoneType' object has no attribute 'x'", name="x", obj=None), "python3.12", False),
        (ValueError("no"), "python3.13", False),
        (SyntaxError("invalid syntax"), "nodejs20.x", False),
    ],
)  # fmt: skip
def test_explain_adds_a_sentence_only_where_the_version_may_be_the_cause(
    error: BaseException, runtime: str, explained: bool
) -> None:
    # GIVEN an import-time error of a function naming `runtime` WHEN it is explained
    sentence = explain(error, runtime)

    # THEN there is one sentence naming both versions exactly where this interpreter's version may be the cause
    assert (sentence is not None) == explained
    if sentence is not None:
        assert sentence.startswith(
            f"This machine runs the function on Python {INTERPRETER[0]}.{INTERPRETER[1]} "
        )
        assert f"while it names {runtime}" in sentence and sentence.count(". ") == 0


def _name_error_raised_by(line: str) -> NameError:
    try:
        exec(compile(line, "<annotation test>", "exec", dont_inherit=True), {})
    except NameError as error:
        return error
    raise AssertionError(f"{line!r} raised nothing")


@pytest.mark.parametrize(
    ("line", "explained"),
    [("def f(x) -> Later: pass", True), ("total: Later = 1", True), ("class C:\n    item: Later", True),
     ("x = undefined_name", False), ("if True: undefined_name", False)],
)  # fmt: skip
def test_a_name_error_is_explained_only_in_an_annotation_under_python_3_14(
    monkeypatch: pytest.MonkeyPatch, line: str, explained: bool
) -> None:
    # GIVEN a NameError raised by `line` (its source readable, as a module's is)
    import linecache

    monkeypatch.setitem(
        linecache.cache, "<annotation test>", (len(line), None, line.splitlines(True), "<annotation test>")
    )
    error = _name_error_raised_by(line)

    # WHEN it is explained for python3.14 and for python3.13
    # THEN only an annotation under 3.14 (which defers them, PEP 649) gets the sentence
    assert (explain(error, "python3.14") is not None) is (explained and INTERPRETER < (3, 14))
    assert explain(error, "python3.13") is None
