"""Feature discovery and test counting, on real folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.errors import ConfigError
from fogbank.sharding import discover_features
from fogbank.sharding.features import count_tests


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_feature_is_the_folder_with_infrastructure_including_subfolders(tmp_path, monkeypatch):
    # GIVEN a suite with two features (one with a nested test folder) and a folder of tests without a stack
    suite = tmp_path / "e2e"
    _write(suite / "alpha" / "infrastructure.py", "")
    _write(suite / "alpha" / "test_a.py", "def test_1(): pass\ndef test_2(): pass\n")
    _write(suite / "alpha" / "more" / "test_more.py", "def test_3(): pass\n")
    _write(suite / "beta" / "infrastructure.py", "")
    _write(
        suite / "beta" / "test_b.py", "class TestB:\n    def test_x(self): pass\n    def helper(self): pass\n"
    )
    _write(suite / "plain" / "test_plain.py", "async def test_async(): pass\n")
    _write(suite / "alpha" / "handlers" / "handler.py", "def test_not_a_test_file(): pass\n")
    monkeypatch.chdir(tmp_path)

    # WHEN
    features = discover_features([Path("e2e")])

    # THEN each feature is found once, with the tests of its whole folder, paths relative to the cwd
    assert [(f.name, f.path, f.test_count) for f in features] == [
        ("alpha", Path("e2e/alpha"), 3),
        ("beta", Path("e2e/beta"), 1),
        ("plain", Path("e2e/plain"), 1),
    ]


def test_literal_parametrize_multiplies_and_others_count_once(tmp_path):
    # GIVEN stacked literal parametrize decorators and one with computed values
    path = tmp_path / "test_p.py"
    path.write_text(
        "import pytest\n"
        "@pytest.mark.parametrize('a', [1, 2, 3])\n"
        "@pytest.mark.parametrize('b', (1, 2))\n"
        "def test_grid(a, b): pass\n"
        "@pytest.mark.parametrize('c', list(range(9)))\n"
        "def test_computed(c): pass\n"
    )

    # WHEN / THEN 3 x 2 cases plus one
    assert count_tests(path) == 7


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    # GIVEN a broken test file
    path = tmp_path / "test_broken.py"
    path.write_text("def test_x(:\n")

    # WHEN / THEN
    with pytest.raises(ConfigError, match=r"test_broken.py: line 1"):
        count_tests(path)


def test_a_missing_suite_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="is not a folder"):
        discover_features([tmp_path / "nope"])
