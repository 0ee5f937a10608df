"""What a function's error says when the Python minor it names runs emulated and that may be the error's cause.

Under an emulated minor (stdlib_versions.py) some failures come from this interpreter's version: newer syntax,
a standard-library name added later, an annotation that python3.14 would not evaluate (PEP 649). The runtime
keeps AWS's `errorType` and `errorMessage` word for word wherever AWS may raise the same error (a test asserting
AWS's text passes on both targets), and writes `explain`'s sentence as a line of its own to the function's log,
marked with `NOTE_PREFIX` (the cloud logs it too). Only where AWS would not raise the error at all
(`aws_would_not_raise`: the named minor has the missing module, or 3.14 defers the annotation) is the sentence
also added to `errorMessage`, after ". ". Standard library only: it runs inside the runtime (linked there as
`fogbank_version_errors`).

Example:
    >>> error = ModuleNotFoundError("No module named 'binhex'", name="binhex")  # 3.10 has it, 3.11 not
    >>> explain(error, "python3.10")[:42], aws_would_not_raise(error, "python3.10")
    ('This machine runs the function on Python 3', True)
"""

from __future__ import annotations

import ast
import glob
import linecache
import os
import re
from collections.abc import Iterator
from types import CodeType, ModuleType, TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING or __name__.startswith("fogbank."):
    from fogbank.cloud.lambda_.stdlib_versions import (
        INTERPRETER,
        Minor,
        extra_modules,
        is_stdlib_name,
        missing_modules,
        python_minor,
    )
else:
    from fogbank_stdlib_versions import (
        INTERPRETER,
        Minor,
        extra_modules,
        is_stdlib_name,
        missing_modules,
        python_minor,
    )

__all__ = ["NOTE_PREFIX", "aws_would_not_raise", "explain"]

NOTE_PREFIX = "fogbank note (not on AWS): "
_DOCS = "docs/local-cloud-lambda.md, Runtimes"
_FunctionNode = (ast.FunctionDef, ast.AsyncFunctionDef)
_STABLE_ABI_TAG = re.compile(r"Tag: (cp3(\d+)-abi3-\S+)")


def explain(error: BaseException | None, runtime: str) -> str | None:
    """The sentence saying that this interpreter's version may cause `error`: a SyntaxError under a newer named
    runtime, an ImportError/AttributeError about a standard-library name the named version may have, or a
    NameError in an annotation that python3.14 and later defer (PEP 649). None otherwise, e.g. for a module
    the named version lacks too, or a missing third-party module.

    Example:
        >>> explain(ImportError("cannot import name 'override' from 'typing'", name="typing"), "python3.12")[:42]
        'This machine runs the function on Python 3'
    """
    named = python_minor(runtime)
    if error is None or named is None or named == INTERPRETER:
        return None
    here = f"{INTERPRETER[0]}.{INTERPRETER[1]}"
    tag = _newer_stable_abi_tag(error, named)
    if tag is not None:
        return (
            f"This machine runs the function on Python {here} while it names {runtime}: this extension's wheel "
            f"is built for a later minor's stable ABI ({tag}), which Python {here} cannot load and {runtime} "
            f"can ({_DOCS})."
        )
    if _in_a_deferred_annotation(error, named):
        return (
            f"This machine runs the function on Python {here}, which evaluates annotations at once, while it "
            f"names {runtime}, which evaluates them only when they are read (PEP 649): on AWS this annotation "
            f"raises nothing until something reads it ({_DOCS})."
        )
    if not _may_be_the_version(error, named):
        return None
    return (
        f"This machine runs the function on Python {here} while it names {runtime}: code that needs "
        f"{runtime}'s syntax or standard library fails here but may run on AWS ({_DOCS})."
    )


def aws_would_not_raise(error: BaseException | None, runtime: str) -> bool:
    """Whether AWS's `runtime` would not raise `error` at all: the import of a standard-library module that the
    named minor has and this interpreter lacks, or a NameError in an annotation that the named minor defers."""
    named = python_minor(runtime)
    if error is None or named is None or named == INTERPRETER:
        return False
    if _newer_stable_abi_tag(error, named) is not None:
        return True
    if isinstance(error, ImportError) and not isinstance(error, ModuleNotFoundError):
        return False  # `from m import name`: the name's history is in no table
    if isinstance(error, ImportError):
        extra = extra_modules(named)
        name = error.name or ""
        return name in extra or name.split(".")[0] in extra
    return _in_a_deferred_annotation(error, named)


def _may_be_the_version(error: BaseException, named: Minor) -> bool:
    if isinstance(error, SyntaxError):
        return named > INTERPRETER
    if isinstance(error, ImportError):
        name = error.name or ""
        if name in missing_modules(named):  # the named version lacks it too: AWS's message, as it is
            return False
        if name in extra_modules(named) or name.split(".")[0] in extra_modules(named):
            return True
        return named > INTERPRETER and is_stdlib_name(name) and not isinstance(error, ModuleNotFoundError)
    if isinstance(error, AttributeError):
        owner = getattr(error, "obj", None)
        return named > INTERPRETER and isinstance(owner, ModuleType) and is_stdlib_name(owner.__name__)
    return False


def _newer_stable_abi_tag(error: BaseException, named: Minor) -> str | None:
    """The wheel tag (`cp312-abi3-manylinux_2_17_x86_64`) of a stable-ABI extension that failed to load with an
    undefined symbol, built for a minor after this interpreter's and not after the named one; from the WHEEL
    file of the dist-info whose RECORD lists the extension (None where there is none)."""
    path = getattr(error, "path", None)
    if not isinstance(error, ImportError) or not isinstance(path, str) or not path.endswith(".abi3.so"):
        return None
    if "undefined symbol" not in str(error):
        return None
    directory = os.path.dirname(path)
    while os.path.dirname(directory) != directory:
        wheels = glob.glob(os.path.join(glob.escape(directory), "*.dist-info", "WHEEL"))
        relative = os.path.relpath(path, directory)
        for wheel in wheels:
            try:
                with open(os.path.join(os.path.dirname(wheel), "RECORD"), encoding="utf-8") as record:
                    if not any(line.split(",")[0] == relative for line in record):
                        continue
                with open(wheel, encoding="utf-8") as tags:
                    found = _STABLE_ABI_TAG.findall(tags.read())
            except OSError:
                continue
            return next((tag for tag, minor in found if INTERPRETER < (3, int(minor)) <= named), None)
        if wheels:
            return None  # the site directory: no dist-info lists it
        directory = os.path.dirname(directory)
    return None


def _in_a_deferred_annotation(error: BaseException, named: Minor) -> bool:
    """Whether `error` is a NameError raised evaluating an annotation that `named` (3.14+) defers: a module's
    or class's `x: T`, a parameter's or a return's annotation; never a default, a value or a local variable's
    annotation (which no version evaluates)."""
    if not isinstance(error, NameError) or not named >= (3, 14) > INTERPRETER:
        return False
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    if trace is None:
        return False
    code = trace.tb_frame.f_code
    try:
        tree = ast.parse("".join(linecache.getlines(code.co_filename)))
    except (SyntaxError, ValueError):
        return False
    line, column = _position(code, trace)
    name = getattr(error, "name", None)
    return any(
        isinstance(node, ast.Name)
        and (name is None or node.id == name)
        and node.lineno == line
        and (column is None or node.col_offset == column)
        for annotation in _deferred_annotations(tree)
        for node in ast.walk(annotation)
    )


def _position(code: CodeType, trace: TracebackType) -> tuple[int, int | None]:
    """The line and column (None where unknown) of the instruction that raised, from the code's positions."""
    positions = getattr(code, "co_positions", None)  # Python 3.11+
    if positions is not None:
        for index, (line, _, column, _) in enumerate(positions()):
            if index == trace.tb_lasti // 2 and line == trace.tb_lineno:
                return trace.tb_lineno, column
    return trace.tb_lineno, None


def _deferred_annotations(node: ast.AST, in_function: bool = False) -> Iterator[ast.expr]:
    """The annotations under `node` that Python 3.14 evaluates only when they are read."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, _FunctionNode):
            arguments = child.args
            for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
                if argument.annotation is not None:
                    yield argument.annotation
            for rest in (arguments.vararg, arguments.kwarg):
                if rest is not None and rest.annotation is not None:
                    yield rest.annotation
            if child.returns is not None:
                yield child.returns
            yield from _deferred_annotations(child, in_function=True)
        elif isinstance(child, ast.AnnAssign):
            if not in_function:
                yield child.annotation
        elif isinstance(child, ast.ClassDef):
            yield from _deferred_annotations(child, in_function=False)
        else:
            yield from _deferred_annotations(child, in_function)
