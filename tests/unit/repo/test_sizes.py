"""Globs, .gitattributes linguist-generated and size thresholds."""

from __future__ import annotations

import pytest

from fogbank.repo.config import SizeRules
from fogbank.repo.git import FileChange
from fogbank.repo.gitattributes import GeneratedFiles
from fogbank.repo.globs import glob_matches
from fogbank.repo.sizes import measure_size


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
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
def test_glob_rules(pattern, path, expected):
    # GIVEN a pattern and a path / WHEN matched / THEN the rule in globs.py holds
    assert glob_matches(pattern, path) is expected


def test_gitattributes_last_match_wins():
    # GIVEN a .gitattributes that marks a folder generated, then unmarks one file
    generated = GeneratedFiles(
        "# comment\ndocs/api/** linguist-generated\ndocs/api/index.md -linguist-generated\n"
    )

    # WHEN / THEN
    assert generated.is_generated("docs/api/ref.md")
    assert not generated.is_generated("docs/api/index.md")
    assert not generated.is_generated("docs/guide.md")


@pytest.mark.parametrize(
    ("lines", "label"),
    [
        (0, "size/XS"),
        (9, "size/XS"),
        (10, "size/S"),
        (29, "size/S"),
        (30, "size/M"),
        (99, "size/M"),
        (100, "size/L"),
        (499, "size/L"),
        (500, "size/XL"),
        (999, "size/XL"),
        (1000, "size/XXL"),
    ],
)
def test_seed_thresholds(lines, label):
    # GIVEN the seed's thresholds / WHEN a PR changes `lines` lines / THEN it gets the seed's label
    report = measure_size([FileChange("a.py", lines, 0)], SizeRules(), None)
    assert report.label == label
    assert report.too_large is (lines >= 1000)


def test_binary_files_count_zero_and_exclusions_are_explained():
    # GIVEN a binary file, an ignored lock file and a generated file
    changes = [
        FileChange("img.png", None, None),
        FileChange("a/poetry.lock", 50, 50),
        FileChange("gen.py", 40, 0),
    ]

    # WHEN measured with gen.py marked generated
    report = measure_size(changes, SizeRules(), "gen.py linguist-generated=true")

    # THEN nothing is counted and each exclusion says why
    assert report.lines == 0
    assert report.excluded == (("a/poetry.lock", "ignored by size.ignore"), ("gen.py", "linguist-generated"))


def test_thresholds_must_start_at_zero_and_increase():
    # GIVEN / WHEN thresholds that do not start at 0 / THEN validation names the rule
    with pytest.raises(ValueError, match="must start at 0 and strictly increase"):
        SizeRules(thresholds={"S": 5, "M": 30})
