"""Why a function's error happened where its named Python minor runs emulated (fogbank.cloud.lambda_.version_errors).

errorMessage stays AWS's unless AWS would not raise the error at all; the sentence goes to the function's log.
"""

from __future__ import annotations

import importlib
import linecache
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER
from fogbank.cloud.lambda_.version_errors import aws_would_not_raise, explain

ITERTOOLS = __import__("itertools")


@pytest.mark.parametrize(
    ("error", "runtime", "explained", "not_on_aws"),
    [
        (SyntaxError("invalid syntax"), "python3.12", True, False),
        (SyntaxError("invalid syntax"), "python3.10", False, False),
        (SyntaxError("invalid syntax"), f"python{INTERPRETER[0]}.{INTERPRETER[1]}", False, False),
        (ImportError("cannot import name 'override' from 'typing'", name="typing"), "python3.12", True, False),
        (ModuleNotFoundError("No module named 'annotationlib'", name="annotationlib"), "python3.14", True, True),
        (ModuleNotFoundError("No module named 'cgi'", name="cgi"), "python3.13", False, False),
        (ModuleNotFoundError("No module named 'requests'", name="requests"), "python3.13", False, False),
        (ModuleNotFoundError("No module named 'binhex'", name="binhex"), "python3.10", True, True),
        (AttributeError("module 'itertools' has no attribute 'batched'", name="batched", obj=ITERTOOLS), "python3.12", True, False),
        (AttributeError("module 'json' has no attribute 'loadz'", name="loadz", obj=__import__("json")), "python3.12", True, False),
        (AttributeError("'NoneType' object has no attribute 'x'", name="x", obj=None), "python3.12", False, False),
        (ValueError("no"), "python3.13", False, False),
        (SyntaxError("invalid syntax"), "nodejs20.x", False, False),
    ],
)  # fmt: skip
def test_explain_has_a_sentence_where_the_version_may_be_the_cause_and_errormessage_keeps_aws_text(
    error: BaseException, runtime: str, explained: bool, not_on_aws: bool
) -> None:
    # GIVEN an error of a function naming `runtime` WHEN it is explained
    sentence = explain(error, runtime)

    # THEN there is one sentence naming both versions exactly where this interpreter's version may be the cause
    assert (sentence is not None) == explained
    if sentence is not None:
        assert sentence.startswith(
            f"This machine runs the function on Python {INTERPRETER[0]}.{INTERPRETER[1]} "
        )
        assert f"while it names {runtime}" in sentence and sentence.count(". ") == 0
    # AND errorMessage may change only where AWS would not raise the error at all (json.loadz fails there too)
    assert aws_would_not_raise(error, runtime) is not_on_aws


def _name_error_raised_by(source: str) -> NameError:
    try:
        exec(compile(source, "<annotation test>", "exec", dont_inherit=True), {})
    except NameError as error:
        return error
    raise AssertionError(f"{source!r} raised nothing")


@pytest.mark.parametrize(
    ("source", "deferred"),
    [("def f(x) -> Later: pass", True), ("total: Later = 1", True), ("class C:\n    item: Later", True),
     ("def f(x: int, *, y: 'ok' = 1, **k: Later): pass", True),
     ("def f():\n    class C:\n        item: Later\nf()", True),
     ("x = undefined_name", False), ("if True: undefined_name", False),
     ("def f():\n    total: int = undefined_total\n    return total\nf()", False),
     ("def f(e, c, x=undefined_default): pass", False), ("total: int = undefined_total", False),
     ("def f(x: Later = Later): pass", False)],
)  # fmt: skip
def test_a_name_error_is_explained_only_in_an_annotation_python_3_14_defers(
    monkeypatch: pytest.MonkeyPatch, source: str, deferred: bool
) -> None:
    # GIVEN a NameError raised by `source` (its source readable, as a module's is)
    monkeypatch.setitem(
        linecache.cache,
        "<annotation test>",
        (len(source), None, source.splitlines(True), "<annotation test>"),
    )
    error = _name_error_raised_by(source)

    # WHEN it is explained for python3.14 and for python3.13
    sentence = explain(error, "python3.14")

    # THEN only an annotation that 3.14 defers (PEP 649) gets the annotation sentence, and only there may
    # errorMessage change; a local annotated value or a default (evaluated on 3.14 too) gets nothing
    expected = deferred and INTERPRETER < (3, 14)
    assert (sentence is not None) is expected
    assert sentence is None or "evaluates annotations at once" in sentence
    assert aws_would_not_raise(error, "python3.14") is expected
    assert explain(error, "python3.13") is None


def _stable_abi_extension(site: Path, *, tag: str | None) -> ImportError:
    """Build `pkg/_x.abi3.so` under `site`, calling PyType_FromMetaclass (new in 3.12's stable ABI), with a
    dist-info whose WHEEL has `tag` (none: no dist-info), and import it here: the loader's error."""
    (site / "pkg").mkdir(parents=True)
    (site / "pkg" / "__init__.py").write_text("")
    source = site / "x.c"
    source.write_text(
        "extern void *PyType_FromMetaclass(void *, void *, void *, void *);\n"
        "void *PyInit__x(void) { return PyType_FromMetaclass(0, 0, 0, 0); }\n"
    )
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(site / "pkg" / "_x.abi3.so"), str(source)], check=True
    )
    if tag is not None:
        info = site / "pkg-1.0.dist-info"
        info.mkdir()
        (info / "WHEEL").write_text(f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}\n")
        (info / "RECORD").write_text(
            "pkg/__init__.py,,\npkg/_x.abi3.so,sha256=x,1\npkg-1.0.dist-info/RECORD,,\n"
        )
    sys.path.insert(0, str(site))
    try:
        importlib.import_module("pkg._x")
    except ImportError as error:
        return error
    finally:
        sys.path.remove(str(site))
        sys.modules.pop("pkg", None)
    raise AssertionError("the 3.12 stable-ABI extension loaded on this interpreter")


@pytest.mark.skipif(
    shutil.which("gcc") is None or INTERPRETER >= (3, 12), reason="needs gcc and Python < 3.12"
)
def test_a_later_minors_stable_abi_extension_is_explained_from_its_wheel_tag(tmp_path: Path) -> None:
    # GIVEN a cp312-abi3 extension (as a wheel installs it) that fails to load here with "undefined symbol"
    error = _stable_abi_extension(tmp_path / "tagged", tag="cp312-abi3-manylinux_2_17_x86_64")
    untagged = _stable_abi_extension(tmp_path / "untagged", tag=None)
    assert "undefined symbol: PyType_FromMetaclass" in str(error)

    # WHEN it is explained for the minors that can load it and for one that cannot
    # THEN python3.12 and 3.13 (which load cp312-abi3) name the tag, and AWS would raise nothing there
    for runtime in ("python3.12", "python3.13"):
        assert "(cp312-abi3-manylinux_2_17_x86_64)" in (explain(error, runtime) or "")
        assert aws_would_not_raise(error, runtime)
    # AND the named minor's own failure (this minor) or an extension no wheel lists is not blamed on a tag
    assert explain(error, f"python{INTERPRETER[0]}.{INTERPRETER[1]}") is None
    assert not aws_would_not_raise(untagged, "python3.12")
