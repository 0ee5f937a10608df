"""Why a function's error happened where its named Python minor runs emulated (fogbank.cloud.lambda_.version_errors).

errorMessage stays AWS's unless AWS would not raise the error at all; the sentence goes to the function's log.
"""

from __future__ import annotations

import linecache

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
