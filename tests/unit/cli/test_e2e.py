"""`fogbank e2e`: the pytest command line it builds, and `--shard I/N` / `--shard-plan N` on a real folder tree
(pytest itself is not started)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fogbank.cli.e2e import build_pytest_args
from fogbank.cli.main import app


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three features: `big` recorded at 100 s, `small` at 10 s, `fresh` unknown with 2 tests."""
    (tmp_path / "pyproject.toml").write_text("")
    for name, tests in (("big", 3), ("small", 1), ("fresh", 2)):
        folder = tmp_path / "tests" / "e2e" / name
        folder.mkdir(parents=True)
        (folder / "infrastructure.py").write_text("")
        (folder / f"test_{name}.py").write_text("".join(f"def test_{i}(): pass\n" for i in range(tests)))
    record = {
        "big": {"deploy": 60, "tests": 30, "teardown": 10, "test_count": 3},
        "small": {"deploy": 5, "tests": 3, "teardown": 2, "test_count": 1},
    }
    (tmp_path / ".fogbank").mkdir()
    (tmp_path / ".fogbank" / "durations.json").write_text(json.dumps({"version": 1, "features": record}))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FOGBANK_DURATIONS", raising=False)
    return tmp_path


def test_shard_plan_prints_features_and_expected_time(project):
    # WHEN
    result = CliRunner().invoke(app, ["e2e", "--shard-plan", "2"])

    # THEN the longest feature has a shard of its own; the other two share one, `fresh` estimated
    # from its 2 tests at the recorded 27.5 s per test (110 s over 4 tests)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "shard 1/2: 1 features, expected 100.0 s"
    assert lines[2] == "shard 2/2: 2 features, expected 65.0 s"
    assert "fresh" in lines[3] and "estimated from 2 tests" in lines[3]
    assert "small" in lines[4] and "recorded" in lines[4]


def test_an_empty_shard_runs_nothing_and_succeeds(project):
    result = CliRunner().invoke(app, ["e2e", "--shard", "4/4"])
    assert result.exit_code == 0
    assert "shard 4/4 has no features" in result.output


def test_a_bad_shard_exits_with_a_usage_error(project):
    result = CliRunner().invoke(app, ["e2e", "--shard", "5/4"])
    assert result.exit_code == 4
    assert "write I/N" in result.output


def test_a_shard_runs_only_its_features(project):
    # GIVEN the plan puts `big` alone in shard 1 of 2; every test writes its feature to a file
    for name in ("big", "small", "fresh"):
        folder = project / "tests" / "e2e" / name
        (folder / "infrastructure.py").unlink()  # no stacks here: this checks the selection only
        (folder / "conftest.py").write_text(
            f"def pytest_runtest_call(item):\n    open('{project}/ran.txt', 'a').write('{name}\\n')\n"
        )
    import subprocess
    import sys

    # WHEN shard 1/2 and then 2/2 run (recording their durations elsewhere, as parallel CI machines would)
    for index in (1, 2):
        record = f"--fogbank-durations={project / f'shard-{index}.json'}"
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "fogbank.cli",
                "e2e",
                "--shard",
                f"{index}/2",
                "-p",
                "no:xdist",
                "-q",
                record,
            ],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        ran = (project / "ran.txt").read_text().split()
        (project / "ran.txt").unlink()

        # THEN each shard ran its whole features and nothing else
        expected = {1: ["big"] * 3, 2: ["fresh"] * 2 + ["small"]}[index]
        assert sorted(ran) == expected


def test_the_aws_plan_reads_the_aws_durations(project):
    # GIVEN only local durations are recorded (AWS deploys take minutes, not seconds: another file)
    # WHEN the plan is asked for the aws target
    result = CliRunner().invoke(app, ["e2e", "--shard-plan", "2", "--fogbank-target", "aws"])

    # THEN nothing counts as recorded, and the file it looked for is named
    assert result.exit_code == 0, result.output
    assert "(recorded)" not in result.output
    assert "durations-aws.json (absent: all estimated)" in result.output


def test_default_args_run_the_suite_in_parallel_groups():
    # GIVEN no arguments
    # WHEN
    args = build_pytest_args([])

    # THEN the whole suite runs with xdist's loadgroup distribution and the progress plugin
    assert args == [
        "-p",
        "fogbank.cli.e2e_progress",
        "-n",
        "auto",
        "--dist",
        "loadgroup",
        "tests/e2e",
    ]


@pytest.mark.parametrize(
    "workers", [["-n", "0"], ["-p", "no:xdist"], ["-n", "2", "--dist", "load"], ["-n", "3", "-d"]]
)
def test_user_worker_choice_wins(workers: list[str]):
    # GIVEN the user chooses the workers (none, or some with a distribution of their own)
    # WHEN
    args = build_pytest_args([*workers, "--fogbank-target", "aws"])

    # THEN fogbank adds no -n or --dist of its own, and passes everything through
    assert "auto" not in args
    assert args[2:] == [*workers, "--fogbank-target", "aws", "tests/e2e"]


@pytest.mark.parametrize("workers", [["-n4"], ["-n", "4"], ["--numprocesses=3"], ["-n", "auto"]])
def test_workers_without_a_distribution_keep_each_feature_on_one_worker(workers: list[str]):
    # GIVEN the user chooses a number of workers but no distribution
    # WHEN
    args = build_pytest_args([*workers, "-x"])

    # THEN fogbank's feature groups apply (xdist's default would spread a feature's tests over workers)
    assert args[2:] == ["--dist", "loadgroup", *workers, "-x", "tests/e2e"]


def test_user_path_replaces_the_suite(tmp_path, monkeypatch):
    # GIVEN a path to one feature folder
    (tmp_path / "tests" / "e2e" / "logger").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)

    # WHEN
    args = build_pytest_args(["tests/e2e/logger", "-k", "cold"])

    # THEN only that folder is run
    assert "tests/e2e" not in args
    assert args[-3:] == ["tests/e2e/logger", "-k", "cold"]
