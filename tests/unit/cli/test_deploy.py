"""`fogbank deploy|destroy|sweep`: argument handling, through click's CliRunner, before any target is
reached. Deploying, destroying and sweeping real stacks is tested in tests/integration/framework/test_deploy.py
and test_sweep.py against a running local cloud."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from fogbank.cli.deploy import parse_duration
from fogbank.cli.main import app


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", timedelta(seconds=90)), ("30m", timedelta(minutes=30)), (" 2h ", timedelta(hours=2)),
     ("1d", timedelta(days=1)), ("0s", timedelta(0)), ("15 m", timedelta(minutes=15))],
)  # fmt: skip
def test_durations_are_a_number_and_a_unit(text: str, expected: timedelta) -> None:
    # GIVEN a duration as --older-than takes it / WHEN parsed THEN it is that timedelta
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["2 hours", "1.5h", "h", "-1h", "10"])
def test_other_durations_are_refused_with_examples(text: str) -> None:
    # GIVEN a duration in another form / WHEN parsed THEN the error repeats it and shows the accepted form
    with pytest.raises(typer.BadParameter, match=r"is not a duration; write e\.g\. 30m, 2h or 1d"):
        parse_duration(text)


def test_sweep_with_a_bad_age_is_a_usage_error_before_any_target_is_reached(monkeypatch) -> None:
    # GIVEN an endpoint nothing listens on (reaching it would fail differently)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    # WHEN sweep runs with an unreadable age
    result = CliRunner().invoke(app, ["sweep", "--older-than", "two hours"])
    # THEN it exits 2 with click's usage error naming the value
    assert result.exit_code == 2
    assert "'two hours' is not a duration" in result.output


def test_deploy_needs_an_existing_feature_folder(tmp_path: Path) -> None:
    # GIVEN a folder that does not exist / WHEN deploy runs THEN it exits 2 before starting a local cloud
    result = CliRunner().invoke(app, ["deploy", str(tmp_path / "no_such_feature")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


@pytest.mark.parametrize(
    ("source", "says"),
    [
        (None, "infrastructure.py does not exist"),
        ("x = 1\n", "must define exactly one BaseInfrastructure subclass (found: none)"),
    ],
)
def test_a_folder_without_one_stack_class_is_a_usage_error_before_any_cloud_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str | None, says: str
) -> None:
    # GIVEN a project folder without infrastructure.py, or with one that defines no stack class
    (tmp_path / "pyproject.toml").write_text("[tool.fogbank]\n")
    feature = tmp_path / "tests" / "e2e" / "orders"
    feature.mkdir(parents=True)
    if source is not None:
        (feature / "infrastructure.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    # WHEN deploy runs on it with the default target (which would start a local cloud for the command)
    result = CliRunner().invoke(app, ["deploy", str(feature)])
    # THEN it exits 2 naming the file and what it needs, and no cloud was started
    text = " ".join(result.output.replace("│", " ").split())  # the error box may wrap at any width
    assert result.exit_code == 2, result.output
    assert says in text and "started a local cloud" not in text
