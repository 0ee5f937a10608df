"""`fogbank repo`: exit codes, dry runs and error lines of the maintainers' commands, through click's
CliRunner. FakeGitHub stands in for GitHub's servers (see tests/unit/repo/conftest.py); the commands that
read git history are tested on real repositories in tests/integration/repo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app
from fogbank.repo.github.fake import FakeGitHub
from fogbank.repo.github.models import Label
from fogbank.repo.schema import render_schema


def test_no_title_and_no_event_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no GITHUB_EVENT_PATH
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    # WHEN check-title runs without a title
    result = CliRunner().invoke(app, ["repo", "pr", "check-title"])
    # THEN it exits 2 and tells how to pass one (not "not semantic")
    assert result.exit_code == 2
    assert "no title given" in result.output and "check-title 'feat(logger)" in result.output


def test_check_title_prints_type_scope_and_labels_or_exits_1_with_the_problem(run_cli) -> None:
    # GIVEN a breaking semantic title, and a free-form one
    # WHEN each is checked
    good = run_cli("pr", "check-title", "feat(logger)!: drop sampling")
    bad = run_cli("pr", "check-title", "Fixed the logger")
    # THEN the good one prints one tab-separated line with its labels; the bad one exits 1 saying why
    assert good.exit_code == 0, good.output
    assert good.stdout == "ok\ttype=feat\tscope=logger\tlabels=feature,breaking-change\n"
    assert bad.exit_code == 1 and bad.stdout == ""
    assert bad.stderr.startswith("error: ")


def test_check_title_reads_the_title_of_the_pull_request_event(run_cli, payloads) -> None:
    # GIVEN a pull_request event (as Actions writes it) and no title argument
    event = {"action": "edited", "pull_request": payloads.pull(4, "docs: fix typo")}
    # WHEN checked THEN the event's title is the one checked
    result = run_cli("pr", "check-title", event=event)
    assert result.exit_code == 0 and result.stdout.startswith("ok\ttype=docs\t")


def test_a_bad_config_is_exit_2_naming_the_file(run_cli, tmp_path: Path) -> None:
    # GIVEN a config with a misspelled key in the checkout
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "fogbank.yml").write_text("sise: {}\n")
    # WHEN any command loads it THEN it exits 2 with an error line naming the file
    result = run_cli("pr", "check-title", "fix: x")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "fogbank.yml" in result.stderr


def test_labels_sync_dry_run_prints_the_changes_and_applies_none(run_cli, github: FakeGitHub) -> None:
    # GIVEN a repository with a human's label and none of the catalog
    github.labels["good first issue"] = Label("good first issue", "7057ff", "")
    # WHEN synced with --dry-run, then for real
    dry = run_cli("labels", "sync", "--dry-run")
    assert github.writes == []
    real = run_cli("labels", "sync")
    # THEN the dry run lists one create per catalog label and says none was applied; the real run applies them
    assert dry.exit_code == 0 and real.exit_code == 0, real.output
    lines = dry.stdout.splitlines()
    assert len(lines) == 33 and all(line.startswith("create-label\t") for line in lines)
    assert "dry run: 33 change(s), none applied" in dry.stderr
    assert "kept (not in the catalog, not owned): good first issue" in dry.stderr
    assert real.stdout == dry.stdout and "applied 33 change(s)" in real.stderr
    assert len(github.writes) == 33


def test_pr_label_takes_the_number_from_the_event_and_a_github_failure_is_exit_2(
    run_cli, github: FakeGitHub, payloads
) -> None:
    # GIVEN a PR of 3 lines and a pull_request event about it
    github.add_pull_payload(payloads.pull(7, "fix: x", "closes #1"), files=[payloads.file("src/a.py", 3)])
    event = {"action": "opened", "pull_request": {"number": 7}}
    # WHEN labelled from the event
    result = run_cli("pr", "label", "--dry-run", event=event)
    # THEN the PR of the event is the one planned
    assert result.exit_code == 0, result.output
    assert result.stdout == "add-labels\t#7\tbug,size/XS\n"
    assert "size XS: 3 lines" in result.stderr
    # AND a PR GitHub does not know is exit 2 with an error line naming the call and GitHub's answer
    failed = run_cli("pr", "label", "--pr", "8")
    assert failed.exit_code == 2
    assert failed.stderr == "error: GitHub call `get pull #8` failed: 404 Not Found\n"


def test_pr_merged_without_a_pr_number_or_event_says_how_to_give_one(run_cli) -> None:
    # GIVEN no --pr and no event / WHEN run THEN exit 2 naming what is missing
    result = run_cli("pr", "merged")
    assert result.exit_code == 2 and "no pull_request number: pass it explicitly" in result.stderr


def test_issues_triage_takes_the_issue_of_the_event(run_cli, github: FakeGitHub, payloads) -> None:
    # GIVEN two unlabelled issues and an issues event about the second
    github.add_issue_payload(payloads.issue(1))
    github.add_issue_payload(payloads.issue(2))
    # WHEN triage runs on the event
    result = run_cli("issues", "triage", event={"action": "opened", "issue": {"number": 2}})
    # THEN only that issue is labelled
    assert result.exit_code == 0, result.output
    assert result.stdout == "add-labels\t#2\ttriage\n"
    assert github.list_issues(label="triage") == [github.list_issues()[1]]


def test_schema_prints_the_configs_json_schema() -> None:
    # GIVEN / WHEN `fogbank repo schema` runs THEN it prints the schema exactly, as JSON
    result = CliRunner().invoke(app, ["repo", "schema"])
    assert result.exit_code == 0 and result.stdout == render_schema()
    assert json.loads(result.stdout)["type"] == "object"
