"""Path globs: one rule for config and .gitattributes."""

from __future__ import annotations

import pytest

from fogbank.repo.globs import any_glob_matches, glob_matches


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.lock", "poetry.lock", True),
        ("*.lock", "a/b/poetry.lock", True),  # no "/": the file name at any depth
        ("*.md", "docs/index.md", True),
        ("docs/*.md", "docs/index.md", True),
        ("docs/*.md", "docs/api/index.md", False),  # "*" stays within one segment
        ("docs/**/*.md", "docs/index.md", True),  # "**/" is zero or more segments
        ("docs/**/*.md", "docs/a/b/c.md", True),
        ("docs/**", "docs/a/b/c.md", True),
        ("docs/", "docs/a/b.md", True),  # "dir/" means "dir/**"
        ("docs/", "other/docs/a.md", False),  # a pattern with "/" is anchored at the root
        ("/pyproject.toml", "pyproject.toml", True),  # a leading "/" is allowed
        ("/pyproject.toml", "sub/pyproject.toml", False),
        ("requirements*.txt", "requirements-dev.txt", True),
        ("file?.py", "file1.py", True),
        ("file?.py", "file12.py", False),
        ("file?.py", "dir/file/.py", False),  # "?" never matches "/"
        ("[ab].py", "a.py", True),
        ("[ab].py", "c.py", False),
        ("[!ab].py", "c.py", True),  # "[!...]" negates the class
        ("[!ab].py", "a.py", False),
        ("a[.py", "a[.py", True),  # an unclosed "[" is a literal
        ("a+b.py", "a+b.py", True),  # regex metacharacters are literal
        ("a+b.py", "aab.py", False),
        ("docs/**", "docs/a/b.md", True),
        ("docs/**", "src/docs/a.md", False),
        ("*.md", "a/b/README.md", True),
        ("/*.md", "a/README.md", False),
        ("tests/", "tests/unit/x.py", True),
        ("src/**/test_*.py", "src/test_a.py", True),
        ("src/*.py", "src/a/b.py", False),
        (".github/PULL_REQUEST_TEMPLATE*", ".github/PULL_REQUEST_TEMPLATE.md", True),
        ("requirements[-_]dev.txt", "requirements-dev.txt", True),
        ("requirements[!-]dev.txt", "requirements-dev.txt", False),
    ],
)
def test_glob_rules(pattern: str, path: str, expected: bool) -> None:
    # GIVEN a pattern and a repository-relative path
    # WHEN matched
    # THEN the documented rule decides
    assert glob_matches(pattern, path) is expected


def test_any_glob_matches_is_true_when_one_pattern_matches() -> None:
    # GIVEN two patterns / WHEN matched against paths THEN one match is enough, none is False
    assert any_glob_matches(["docs/**", "*.lock"], "a/poetry.lock")
    assert not any_glob_matches(["docs/**", "*.lock"], "src/x.py")
    assert not any_glob_matches([], "src/x.py")
