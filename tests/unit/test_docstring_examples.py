"""Docstring examples run as doctests (`make doctest`); one that cannot says why, in one form.

A skipped example (`# doctest: +SKIP`) must sit under a header line of the form

    Example (skipped as a doctest: it needs a running local cloud):

in the same docstring, with no other `Example...:` header between them, so that a reader knows why it does
not run and a runnable example is never skipped without a reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "fogbank"
SKIP_MARKER = "+SKIP"
SKIPPED_HEADER = re.compile(r"^Examples? \(skipped as a doctest: (?P<reason>.{8,})\):$")
ANY_HEADER = re.compile(r"^Examples?\b.*:$")


def _docstring_spans(tree: ast.AST) -> list[tuple[int, int]]:
    """(first line, last line) of every module, class and function docstring."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                spans.append((first.lineno, first.end_lineno or first.lineno))
    return spans


def unexplained_skips(source: str, filename: str) -> list[str]:
    """`filename:line: why` for every skipped example whose docstring does not say why it is skipped."""
    lines = source.splitlines()
    spans = _docstring_spans(ast.parse(source, filename))
    problems = []
    for number, line in enumerate(lines, start=1):
        if SKIP_MARKER not in line:
            continue
        span = next(((start, end) for start, end in spans if start <= number <= end), None)
        if span is None:
            problems.append(f"{filename}:{number}: {SKIP_MARKER} outside a docstring")
            continue
        header = next(
            (
                lines[above - 1].strip()
                for above in range(number - 1, span[0] - 1, -1)
                if ANY_HEADER.match(lines[above - 1].strip())
            ),
            None,
        )
        if header is None or not SKIPPED_HEADER.match(header):
            found = f"its header is {header!r}" if header else "it has no 'Example...:' header above it"
            problems.append(
                f"{filename}:{number}: skipped example without a reason ({found}); make it run as a doctest, "
                "or put it under 'Example (skipped as a doctest: it needs <what>):'"
            )
    return problems


def test_every_skipped_example_in_src_says_why_it_is_skipped() -> None:
    # GIVEN every module of src/fogbank
    modules = sorted(SOURCE.rglob("*.py"))
    # WHEN the skipped examples of their docstrings are checked for a stated reason
    problems = [
        problem
        for path in modules
        for problem in unexplained_skips(
            path.read_text(encoding="utf-8"), str(path.relative_to(SOURCE.parents[1]))
        )
    ]
    # THEN every one has it
    assert not problems, "\n".join(problems)


def test_a_skipped_example_under_a_plain_header_is_reported_with_its_line() -> None:
    # GIVEN a docstring whose skipped example is under a plain "Example:" header
    source = '"""Mod.\n\nExample:\n    >>> start_cloud()  # doctest: +SKIP\n"""\n'
    # WHEN it is checked
    problems = unexplained_skips(source, "pkg/mod.py")
    # THEN the file and line are named, with the header found
    assert len(problems) == 1
    assert problems[0].startswith("pkg/mod.py:4: skipped example without a reason (its header is 'Example:')")


def test_a_skipped_example_without_any_header_is_reported() -> None:
    # GIVEN a function docstring with a skipped example after prose only
    source = 'def f():\n    """Do it.\n\n    >>> f()  # doctest: +SKIP\n    """\n'
    # WHEN it is checked; THEN it is reported at its line
    assert unexplained_skips(source, "m.py") == [
        "m.py:4: skipped example without a reason (it has no 'Example...:' header above it); make it run as a "
        "doctest, or put it under 'Example (skipped as a doctest: it needs <what>):'"
    ]


def test_a_runnable_header_between_the_reason_and_the_skip_hides_the_reason() -> None:
    # GIVEN a stated reason for one block, then a plain "Example:" block with a skipped line
    source = (
        '"""Mod.\n\nExample (skipped as a doctest: it needs GitHub\'s servers):\n    >>> a()  # doctest: +SKIP\n\n'
        'Example:\n    >>> b()  # doctest: +SKIP\n"""\n'
    )
    # WHEN it is checked; THEN only the second one is reported
    assert [p.split(":")[1] for p in unexplained_skips(source, "m.py")] == ["7"]


def test_a_skip_outside_a_docstring_is_reported() -> None:
    # GIVEN a +SKIP in a comment of code
    source = "x = 1  # doctest: +SKIP\n"
    # WHEN it is checked; THEN it is reported as such
    assert unexplained_skips(source, "m.py") == ["m.py:1: +SKIP outside a docstring"]


def test_a_skipped_example_with_a_stated_reason_passes() -> None:
    # GIVEN skipped examples under the header form, in a module and in a method docstring
    source = (
        '"""Mod.\n\nExample (skipped as a doctest: it needs a running local cloud):\n'
        "    >>> cloud = start()  # doctest: +SKIP\n    >>> cloud.stop()  # doctest: +SKIP\n"
        '"""\n\nclass C:\n    def m(self):\n        """M.\n\n'
        "        Examples (skipped as a doctest: they need real AWS):\n"
        '            >>> C().m()  # doctest: +SKIP\n        """\n'
    )
    # WHEN it is checked; THEN nothing is reported
    assert unexplained_skips(source, "m.py") == []


def test_a_reason_must_say_something() -> None:
    # GIVEN a header with an empty reason
    source = '"""Mod.\n\nExample (skipped as a doctest: ):\n    >>> a()  # doctest: +SKIP\n"""\n'
    # WHEN it is checked; THEN it is reported
    assert len(unexplained_skips(source, "m.py")) == 1
