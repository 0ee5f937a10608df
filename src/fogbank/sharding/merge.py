"""One report from the shards of a run: their JUnit XML, their e2e summaries and their measured durations.

Each shard writes into its own folder (the shipped workflow uses `e2e-results/`):

    report.html      fogbank e2e --fogbank-report (the run report; report.json beside it)
    junit.xml        pytest --junit-xml
    summary.json     fogbank e2e --fogbank-e2e-report (per feature: result, deploy, tests, teardown)
    durations.json   fogbank e2e --fogbank-durations (only the features this shard measured)

`merge_shards` reads the folders and writes `junit.xml`, `summary.json` and `summary.md` (a table for a CI
job summary) into one output folder; `update_durations` records the shards' measurements in the project's
durations file.

Example:
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> folder = tempfile.TemporaryDirectory()
    >>> run = Path(folder.name)
    >>> for shard, feature, ok in (("shard-1", "logger", True), ("shard-2", "tracer", False)):
    ...     (run / shard).mkdir()
    ...     summary = {"wall_seconds": 60.0, "features": {feature: {"ok": ok}}}
    ...     _ = (run / shard / "summary.json").write_text(json.dumps(summary))
    >>> merged = merge_shards([run / "shard-1", run / "shard-2"], run / "merged")
    >>> merged.failed_features, sorted(p.name for p in (run / "merged").iterdir())
    (['tracer'], ['junit.xml', 'summary.json', 'summary.md'])
    >>> folder.cleanup()
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fogbank.errors import ConfigError
from fogbank.sharding.durations import Durations

__all__ = ["DURATIONS_NAME", "JUNIT_NAME", "SUMMARY_NAME", "MergedRun", "merge_shards", "update_durations"]

JUNIT_NAME = "junit.xml"
SUMMARY_NAME = "summary.json"
DURATIONS_NAME = "durations.json"
_COUNTERS = ("tests", "failures", "errors", "skipped")


@dataclass
class MergedRun:
    """What the merge found: per shard its wall time (None when it left no results), every feature."""

    shards: dict[str, float | None] = field(default_factory=dict)
    features: dict[str, dict[str, Any]] = field(default_factory=dict)
    feature_shard: dict[str, str] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_COUNTERS, 0))

    @property
    def missing_shards(self) -> list[str]:
        return [name for name, wall in self.shards.items() if wall is None]

    @property
    def failed_features(self) -> list[str]:
        return sorted(name for name, feature in self.features.items() if not feature.get("ok", False))

    @property
    def wall_seconds(self) -> float:
        """The run's wall time: its slowest shard (shards run side by side)."""
        return max((wall for wall in self.shards.values() if wall is not None), default=0.0)


def _read_summary(path: Path) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(document.get("features"), dict):
            raise ValueError("no 'features' object")
        return document
    except ValueError as exc:
        raise ConfigError(
            f"{path} is not an e2e summary ({exc}); a shard writes it with `fogbank e2e --fogbank-e2e-report={path.name}`"
        ) from exc


def _read_junit(path: Path) -> list[ElementTree.Element]:
    try:
        root = ElementTree.parse(path).getroot()  # a file our own shards wrote, not untrusted input
    except ElementTree.ParseError as exc:
        raise ConfigError(
            f"{path} is not JUnit XML ({exc}); a shard writes it with `--junitxml={path.name}`"
        ) from exc
    return [root] if root.tag == "testsuite" else list(root.iter("testsuite"))


def merge_shards(folders: Sequence[Path], output: Path) -> MergedRun:
    """Merge the shards' results into `output` (junit.xml, summary.json, summary.md)."""
    merged = MergedRun()
    suites = ElementTree.Element("testsuites", name="fogbank e2e")
    for folder in folders:
        shard = folder.name
        if shard in merged.shards:
            shard = str(folder)
        summary_path, junit_path = folder / SUMMARY_NAME, folder / JUNIT_NAME
        if not any(path.is_file() for path in (summary_path, junit_path, folder / "report.json")):
            merged.shards[shard] = None
            continue
        if summary_path.is_file():
            summary = _read_summary(summary_path)
            merged.shards[shard] = float(summary.get("wall_seconds", 0.0))
            for name, feature in summary["features"].items():
                if name in merged.features:
                    raise ConfigError(
                        f"feature {name} is in two shards ({merged.feature_shard[name]} and {shard}); shards must "
                        "come from one plan (the same commit and durations file), so that each feature runs once"
                    )
                merged.features[name] = {**feature, "shard": shard}
                merged.feature_shard[name] = shard
        else:
            merged.shards[shard] = 0.0
        if junit_path.is_file():
            for suite in _read_junit(junit_path):
                suite.set("name", f"{suite.get('name', 'pytest')} ({shard})")
                for counter in _COUNTERS:
                    merged.totals[counter] += int(suite.get(counter, "0"))
                suites.append(suite)
    for counter, value in merged.totals.items():
        suites.set(counter, str(value))
    output.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(suites).write(output / JUNIT_NAME, encoding="utf-8", xml_declaration=True)
    payload = {
        "wall_seconds": merged.wall_seconds,
        "shards": merged.shards,
        "missing_shards": merged.missing_shards,
        "totals": merged.totals,
        "features": dict(sorted(merged.features.items())),
    }
    (output / SUMMARY_NAME).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    (output / "summary.md").write_text(summary_markdown(merged), encoding="utf-8")
    return merged


def _seconds(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, int | float) else "-"


def summary_markdown(merged: MergedRun) -> str:
    """A Markdown table of the merged run, for a CI job summary."""
    totals = merged.totals
    lines = [
        "## fogbank e2e",
        "",
        f"{len(merged.features)} features in {len(merged.shards)} shards, wall time {merged.wall_seconds:.1f} s "
        f"(slowest shard); {totals['tests']} tests, {totals['failures']} failed, {totals['errors']} errors, "
        f"{totals['skipped']} skipped.",
        "",
        "| feature | shard | result | deploy s | tests s | teardown s |",
        "|---|---|---|---:|---:|---:|",
    ]
    for name, feature in sorted(merged.features.items()):
        result = "ok" if feature.get("ok") else "FAILED"
        lines.append(
            f"| {name} | {feature['shard']} | {result} | {_seconds(feature.get('deploy_seconds'))} | "
            f"{_seconds(feature.get('tests_seconds'))} | {_seconds(feature.get('teardown_seconds'))} |"
        )
    for shard in merged.missing_shards:
        lines.append(f"\n**Shard {shard} left no results** (cancelled or crashed; see its job log).")
    return "\n".join(lines) + "\n"


def update_durations(folders: Sequence[Path], durations_path: Path) -> list[str]:
    """Record every shard's measured durations in `durations_path`; returns the features measured."""
    measured = Durations()
    for folder in folders:
        path = folder / DURATIONS_NAME
        if path.is_file():
            measured = measured.merged(Durations.load(path))
    Durations.load(durations_path).updated(measured).save(durations_path)
    return sorted(measured)
