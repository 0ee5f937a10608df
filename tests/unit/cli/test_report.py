"""`fogbank report merge`: the merged report, summary and exit codes, from shard folders written by the
report's own writer (tests/unit/sharding/test_merge.py runs real pytest shards through it too)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from fogbank.cli.main import app
from fogbank.report import RunReport
from unit.sharding.test_merge_report import _shard


def test_report_merge_command_writes_the_merged_html_and_json(tmp_path):
    # GIVEN two shard folders with reports (and no other results)
    folders = [
        _shard(tmp_path / "shard-1", "r1", 1, 10.0, {"tracer": "passed"}),
        _shard(tmp_path / "shard-2", "r1", 1, 12.0, {"logger": "passed"}),
    ]

    # WHEN
    result = CliRunner().invoke(app, ["report", "merge", *map(str, folders), "-o", str(tmp_path / "out")])

    # THEN the merged report is written as HTML and JSON, holding both shards' features
    assert result.exit_code == 0, result.output
    merged = RunReport.load(tmp_path / "out" / "report.json")
    assert sorted(feature.name for feature in merged.features) == ["logger", "tracer"]
    assert "logger" in (tmp_path / "out" / "report.html").read_text()


def test_a_missing_shard_folder_fails_the_merge_by_name(tmp_path: Path) -> None:
    # GIVEN one shard with a report, and a shard folder that was never written (a cancelled job)
    folder = _shard(tmp_path / "shard-1", "r1", 1, 10.0, {"tracer": "passed"})
    # WHEN merged
    result = CliRunner().invoke(
        app, ["report", "merge", str(folder), str(tmp_path / "shard-2"), "-o", str(tmp_path / "out")]
    )
    # THEN the command exits 1 naming the shard and saying where to look, after merging what there is
    assert result.exit_code == 1
    assert "shards without results: shard-2 (no such folder: " in result.stderr
    assert "look at their job logs" in result.stderr
    assert (tmp_path / "out" / "report.json").is_file()


def test_unmergeable_shards_exit_4_with_the_reason(tmp_path: Path) -> None:
    # GIVEN a local shard and an aws shard of the same run
    local = _shard(tmp_path / "a", "r1", 1, 1.0, {"x": "passed"})
    other = RunReport.load(local / "report.json").model_copy(update={"target": "aws"})
    other.save_json(tmp_path / "b" / "report.json")
    # WHEN merged
    result = CliRunner().invoke(
        app, ["report", "merge", str(local), str(tmp_path / "b"), "-o", str(tmp_path / "out")]
    )
    # THEN it is a usage error (4) that says why, prefixed by the command
    assert result.exit_code == 4
    assert result.stderr.startswith("fogbank report merge: ") and "different targets" in result.stderr
