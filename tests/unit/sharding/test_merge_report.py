"""Merging the shards' run reports (fogbank.report's model)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from fogbank.errors import ConfigError
from fogbank.report import FeatureReport, RunReport, TestReport, write_report
from fogbank.sharding.merge_report import merge_run_reports


def _shard(folder: Path, run_id: str, start_minute: int, wall: float, features: dict[str, str]) -> Path:
    """A shard's report.html + report.json, written by the report's own writer."""
    started = datetime(2026, 11, 29, 18, start_minute, tzinfo=UTC)
    report = RunReport(
        run_id=run_id, target="local", started_at=started, finished_at=started, wall_seconds=wall
    )
    for name, outcome in features.items():
        test = TestReport(
            nodeid=f"tests/e2e/{name}/test_x.py::test_a",
            outcome=outcome,
            started_at=started,
            duration_seconds=1.0,
        )  # type: ignore[arg-type]
        report.features.append(FeatureReport(name=name, worker="gw0", tests=[test]))
    write_report(report, folder / "report.html")
    return folder


def test_shard_reports_merge_into_one_run(tmp_path):
    # GIVEN two shards' reports, the second started earlier and ran longer
    first = _shard(tmp_path / "shard-1", "r1", 5, 100.0, {"tracer": "passed", "logger": "failed"})
    second = _shard(tmp_path / "shard-2", "r2", 3, 140.0, {"metrics": "passed"})

    # WHEN merged
    merged = merge_run_reports([first / "report.json", second / "report.json"])

    # THEN features are concatenated by name, the run starts with the earliest shard and lasts the longest
    assert [feature.name for feature in merged.features] == ["logger", "metrics", "tracer"]
    assert merged.started_at.minute == 3 and merged.wall_seconds == 140.0
    assert merged.shards == ["shard-1", "shard-2"]
    assert merged.counts() == {"passed": 2, "failed": 1, "error": 0, "skipped": 0}
    assert merged.outcome == "failed"


def test_reports_of_different_targets_are_refused(tmp_path):
    # GIVEN a local shard and an aws shard
    local = _shard(tmp_path / "a", "r1", 1, 1.0, {"x": "passed"})
    other = RunReport.load(local / "report.json").model_copy(update={"target": "aws"})
    other.save_json(tmp_path / "b" / "report.json")

    # WHEN / THEN
    with pytest.raises(ConfigError, match="different targets"):
        merge_run_reports([local / "report.json", tmp_path / "b" / "report.json"])
