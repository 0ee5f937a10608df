"""`--shard I/N` and `--shard-plan N` taken out of `fogbank e2e`'s arguments, and the suite folders named."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.cli.e2e_shard import split_shard_options, suite_paths
from fogbank.errors import ConfigError


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout with one feature folder, as the current directory."""
    (tmp_path / "tests" / "e2e" / "big").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_shard_options_are_taken_out_and_the_rest_passed_on():
    # GIVEN both options mixed with pytest's
    options = split_shard_options(["-x", "--shard=2/3", "--shard-plan", "3", "-n", "2"])

    # THEN
    assert (options.shard, options.plan, options.pytest_args) == ((2, 3), 3, ["-x", "-n", "2"])
    with pytest.raises(ConfigError, match="needs a value"):
        split_shard_options(["--shard"])


def test_single_tests_cannot_be_sharded(project: Path) -> None:
    # GIVEN a feature folder; WHEN a single test or the folder is passed THEN only the folder is accepted
    with pytest.raises(ConfigError, match="whole feature folders"):
        suite_paths(["tests/e2e/big/test_big.py::test_0"], "tests/e2e")
    assert suite_paths(["-x", "tests/e2e/big"], "tests/e2e") == ([Path("tests/e2e/big")], ["-x"])


@pytest.mark.parametrize("value", ["0", "-1", "four", ""])
def test_a_shard_plan_needs_a_positive_count(value: str) -> None:
    # GIVEN a plan of no, negative or unreadable count / WHEN parsed THEN the error shows the right form
    with pytest.raises(ConfigError, match=r"--shard-plan .*give the number of shards, e\.g\. --shard-plan 4"):
        split_shard_options([f"--shard-plan={value}"])


def test_a_bad_shard_is_refused_and_a_missing_value_shows_an_example() -> None:
    # GIVEN a shard beyond its count, and --shard-plan at the end of the line
    # WHEN parsed THEN each error shows the form to use
    with pytest.raises(ConfigError, match="write I/N"):
        split_shard_options(["--shard", "5/4"])
    with pytest.raises(ConfigError, match=r"--shard-plan needs a value, e\.g\. --shard-plan 4"):
        split_shard_options(["-x", "--shard-plan"])


def test_no_folder_means_the_default_suite(project: Path) -> None:
    # GIVEN only options and a test id-like word that is no folder
    # WHEN the suite is named THEN it is the default folder, and the other arguments are passed on
    assert suite_paths(["-k", "cold"], "tests/e2e") == ([Path("tests/e2e")], ["-k", "cold"])
