"""Merge the shards' run reports (fogbank.report's `RunReport`, `report.json` beside each `report.html`).

Shards ran side by side, so the merged run starts with the earliest shard and its wall time is the slowest
shard's; features are concatenated (sorted by name, then worker), notes too. Counts and outcome are derived
by `RunReport` itself.

Example:
    >>> import tempfile
    >>> from datetime import datetime, timezone
    >>> from pathlib import Path
    >>> folder = tempfile.TemporaryDirectory()
    >>> paths = [Path(folder.name, shard, "report.json") for shard in ("shard-1", "shard-2")]
    >>> for hour, path in enumerate(paths):
    ...     started = datetime(2026, 1, 1, hour, tzinfo=timezone.utc)
    ...     report = RunReport(run_id="r1", target="local", started_at=started, wall_seconds=60 * (hour + 1))
    ...     _ = report.save_json(path)
    >>> merged = merge_run_reports(paths)
    >>> merged.shards, merged.started_at.hour, merged.wall_seconds
    (['shard-1', 'shard-2'], 0, 120.0)
    >>> folder.cleanup()
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fogbank.errors import ConfigError
from fogbank.report.model import SCHEMA_VERSION, RunReport

__all__ = ["REPORT_NAME", "merge_run_reports"]

REPORT_NAME = "report.html"  # a shard writes it with --fogbank-report=<folder>/report.html (+ report.json)


def _load(path: Path) -> RunReport:
    try:
        report = RunReport.load(path)
    except ValueError as exc:
        raise ConfigError(
            f"{path} is not a fogbank run report ({exc}); a shard writes it with --fogbank-report"
        ) from exc
    if report.schema_version != SCHEMA_VERSION:
        raise ConfigError(
            f"{path} has report schema {report.schema_version}, this fogbank reads {SCHEMA_VERSION}; merge with "
            "the fogbank version the shards ran"
        )
    return report


def merge_run_reports(paths: Sequence[Path]) -> RunReport:
    """One RunReport of the shards' reports at `paths` (each named after its folder)."""
    if not paths:
        raise ConfigError("no shard left a run report (report.json) to merge")
    reports = [(path.parent.name, _load(path)) for path in paths]
    targets = sorted({report.target for _, report in reports})
    if len(targets) > 1:
        raise ConfigError(
            f"the shards ran on different targets ({', '.join(targets)}); merge one run's shards"
        )
    first = min((report for _, report in reports), key=lambda report: report.started_at)
    finished = [report.finished_at for _, report in reports if report.finished_at is not None]
    walls = [report.wall_seconds for _, report in reports if report.wall_seconds is not None]
    features = [feature for _, report in reports for feature in report.features]
    shards: list[str] = []
    for name, report in reports:
        for shard in report.shards or [name]:
            if shard not in shards:
                shards.append(shard)
    return RunReport(
        run_id=",".join(dict.fromkeys(report.run_id for _, report in reports)),
        target=targets[0],
        endpoint=first.endpoint,
        started_at=first.started_at,
        finished_at=max(finished) if finished else None,
        wall_seconds=max(walls) if walls else None,
        shards=shards,
        features=sorted(features, key=lambda feature: (feature.name, feature.worker or "")),
        notes=[note for _, report in reports for note in report.notes],
    )
