"""Wall time of `make e2e` from a clean cdk.out and warm, with a per-phase breakdown.

What it does (all on the local cloud, nothing mocked):
1. cold: deletes cdk.out, then runs the suite exactly as `make e2e` does (`fogbank e2e`, i.e. pytest -n auto
   --dist loadgroup) and times it; the run writes per-feature deploy/tests/teardown figures (the progress
   plugin's --fogbank-e2e-report).
2. warm: runs it again (layer and synth caches warm; a fresh local cloud, as every run has).
3. breakdown: in this process, one feature at a time against one LocalCloud: layer build uncached and cached,
   then per feature synth uncached and cached, deploy (CloudFormation create + wait) and delete. The tests
   phase comes from the warm run's report.

Usage:
    .venv/bin/python benchmarks/e2e_timing.py                   # everything under tests/e2e
    .venv/bin/python benchmarks/e2e_timing.py logger metrics    # some features
    .venv/bin/python benchmarks/e2e_timing.py --breakdown-only  # skip the two suite runs
    .venv/bin/python benchmarks/e2e_timing.py --suite-only      # only the two suite runs (make bench)

Results are printed and written to .benchmarks/e2e_timing.json; the two suite figures also go to make bench's
table (.benchmarks/rows/suite_time.json), each next to the other from the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "tests" / "e2e"
RESULTS = REPO / ".benchmarks" / "e2e_timing.json"  # git-ignored, next to pytest-benchmark's results
FOGBANK = Path(sys.executable).parent / "fogbank"


def run_suite(label: str, features: list[str], report: Path) -> dict[str, Any]:
    """Run `fogbank e2e` (what `make e2e` runs) and return its wall time and per-feature report."""
    paths = [str(SUITE.relative_to(REPO) / feature) for feature in features] if features else []
    command = [str(FOGBANK), "e2e", f"--fogbank-e2e-report={report}", "-q", *paths]
    print(f"[{label}] {' '.join(command)}", flush=True)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO, check=False)
    wall = time.perf_counter() - started
    figures = json.loads(report.read_text()) if report.exists() else {"features": {}}
    print(f"[{label}] exit code {completed.returncode}, wall time {wall:.1f} s", flush=True)
    return {"wall_seconds": wall, "exit_code": completed.returncode, "features": figures["features"]}


def _infrastructure_class(feature: str) -> type:
    from fogbank.infrastructure import BaseInfrastructure

    path = SUITE / feature / "infrastructure.py"
    spec = importlib.util.spec_from_file_location(f"e2e_timing_{feature}_infrastructure", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for value in vars(module).values():
        if (
            inspect.isclass(value)
            and issubclass(value, BaseInfrastructure)
            and value is not BaseInfrastructure
        ):
            return value
    raise SystemExit(f"{path} defines no BaseInfrastructure subclass")


def _timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def breakdown(features: list[str]) -> dict[str, Any]:
    """Layer, synth, deploy and delete, one feature at a time, against one LocalCloud in this process."""
    from fogbank.cloud import LocalCloud
    from fogbank.deploy.targets import resolve_target
    from fogbank.layer import LayerBuilder
    from fogbank.synth import synthesize

    layer = LayerBuilder()
    layer.delete()
    result: dict[str, Any] = {"layer_uncached_seconds": _timed(layer.build)}
    result["layer_cached_seconds"] = _timed(layer.build)
    result["features"] = {}
    with LocalCloud() as cloud:
        target = resolve_target("local", endpoint=cloud.endpoint)
        for feature in features:
            stack = _infrastructure_class(feature)(target=target)
            figures = {"synth_uncached_seconds": _timed(lambda s=stack: synthesize(s, force=True))}
            figures["synth_cached_seconds"] = _timed(lambda s=stack: synthesize(s))
            try:
                figures["deploy_seconds"] = _timed(stack.deploy)
            finally:
                figures["delete_seconds"] = _timed(stack.delete)
            result["features"][feature] = figures
            print(
                f"[breakdown] {feature}: {json.dumps({k: round(v, 2) for k, v in figures.items()})}",
                flush=True,
            )
    return result


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_table(results: dict[str, Any]) -> None:
    cold, warm, parts = results.get("cold"), results.get("warm"), results["breakdown"]
    if cold:
        print(f"\nmake e2e from a clean cdk.out: {cold['wall_seconds']:.1f} s (exit {cold['exit_code']})")
    if warm:
        print(f"make e2e again, caches warm:   {warm['wall_seconds']:.1f} s (exit {warm['exit_code']})")
    print(
        f"layer build: uncached {parts['layer_uncached_seconds']:.1f} s, cached {parts['layer_cached_seconds']:.2f} s"
    )
    print(
        f"\n{'feature':<16}{'synth':>8}{'synth$':>8}{'deploy':>8}{'tests':>8}{'delete':>8}"
        f"{'run setup':>11}{'run teardown':>14}   (seconds; synth$ = cached; run = warm suite run)"
    )
    for feature, figures in parts["features"].items():
        seen = (warm or {}).get("features", {}).get(feature, {})
        print(
            f"{feature:<16}{_fmt(figures['synth_uncached_seconds']):>8}{_fmt(figures['synth_cached_seconds']):>8}"
            f"{_fmt(figures.get('deploy_seconds')):>8}{_fmt(seen.get('tests_seconds')):>8}"
            f"{_fmt(figures['delete_seconds']):>8}{_fmt(seen.get('deploy_seconds')):>11}"
            f"{_fmt(seen.get('teardown_seconds')):>14}"
        )


def record_suite_rows(cold: dict[str, Any], warm: dict[str, Any]) -> None:
    """make bench's two suite rows: warm and from a clean cdk.out, each beside the other (same run)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from results import Row, record

    def ok(run: dict[str, Any], limit: float) -> bool:
        return bool(run["exit_code"] == 0 and run["wall_seconds"] <= limit)

    def figure(run: dict[str, Any]) -> str:
        return f"{run['wall_seconds']:.1f} s" + (
            "" if run["exit_code"] == 0 else f" (exit {run['exit_code']})"
        )

    workers = os.cpu_count()
    rows = [
        Row(
            f"make e2e, warm caches ({workers} cores)",
            figure(warm),
            f"clean: {figure(cold)}",
            "<= 25 s",
            ok(warm, 25),
        ),
        Row(
            f"make e2e, clean cdk.out ({workers} cores)",
            figure(cold),
            f"warm: {figure(warm)}",
            "<= 75 s",
            ok(cold, 75),
        ),
    ]
    print(f"rows written to {record('suite_time', rows)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("features", nargs="*", help="feature folders under tests/e2e (default: all)")
    parser.add_argument("--breakdown-only", action="store_true", help="skip the cold and warm suite runs")
    parser.add_argument("--suite-only", action="store_true", help="only the cold and warm suite runs")
    options = parser.parse_args()
    os.chdir(REPO)
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    features = options.features or sorted(p.parent.name for p in SUITE.glob("*/infrastructure.py"))
    results: dict[str, Any] = {"features": features, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="e2e-timing-") as scratch:
        if not options.breakdown_only:
            shutil.rmtree(REPO / "cdk.out", ignore_errors=True)
            results["cold"] = run_suite("cold", options.features, Path(scratch) / "cold.json")
            results["warm"] = run_suite("warm", options.features, Path(scratch) / "warm.json")
    if not options.breakdown_only:
        record_suite_rows(results["cold"], results["warm"])
    if options.suite_only:
        return
    results["breakdown"] = breakdown(features)
    print_table(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
