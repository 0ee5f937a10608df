"""PR size: changed lines against the thresholds, with ignored, generated and binary files left out."""

from __future__ import annotations

import pytest

from fogbank.repo.config import SizeRules
from fogbank.repo.git import FileChange
from fogbank.repo.sizes import measure_size


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
