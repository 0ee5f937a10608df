"""How many CI shards pay off: a simulated project of 40 features, planned for 1, 2, 4, 8 and 16 shards.

The 40 features are drawn (fixed seed) from the example suites' recorded durations (.fogbank/durations.json:
deploy, tests, teardown and number of tests per feature), each scaled by a random factor of 0.5-1.5. A real
run differs from the record, so every feature's actual time is its recorded time times 0.9-1.1.

For each number of shards it prints the run's wall time (its slowest shard), each shard costing a fixed setup
(runner start, install, local cloud, layer: --setup-seconds) and running its features on --workers pytest-xdist
workers (longest feature first to the first free worker, as fogbank's loadgroup scheduler does):

- balanced:   fogbank's plan (whole features, LPT by recorded duration; `fogbank e2e --shard I/N`)
- by tests:   whole features, balanced by their number of tests instead (no durations recorded)
- per test:   tests dealt out one by one over the shards, as test-level splitters do; a feature with tests in
              k shards is deployed and deleted k times
- ideal:      setup + max(total feature time / (shards x workers), the longest feature)

and the runner minutes the run bills (every shard's job, rounded up to whole minutes per job).

`--deploy-factor F` multiplies every deploy and teardown (not the tests) to plan for a slower target: with
recorded local-target durations, F=8 turns the example suites' 5-10 s function stacks into the 1-2 minutes
CloudFormation takes for them on AWS (docs/running-on-aws.md); better, record durations on AWS and pass them.

Usage:
    .venv/bin/python benchmarks/shard_plan.py [--features 40] [--workers 2] [--setup-seconds 90]
    .venv/bin/python benchmarks/shard_plan.py --deploy-factor 8      # AWS-like deploys
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from fogbank.sharding import Durations, FeatureWeight, plan_shards  # noqa: E402

SHARD_COUNTS = (1, 2, 4, 8, 16)
SEED = 17


@dataclass(frozen=True)
class SimFeature:
    name: str
    deploy: float
    tests: float
    teardown: float
    test_count: int
    recorded: float  # what the durations file says
    actual_factor: float  # this run's deviation from the record

    @property
    def actual(self) -> float:
        return (self.deploy + self.tests + self.teardown) * self.actual_factor


def simulate_features(
    durations: Durations, count: int, rng: random.Random, deploy_factor: float = 1.0
) -> list[SimFeature]:
    sources = sorted(durations.items())
    features = []
    for index in range(count):
        _, source = rng.choice(sources)
        scale = rng.uniform(0.5, 1.5)
        deploy, tests = source.deploy * scale * deploy_factor, source.tests * scale
        teardown = source.teardown * scale * deploy_factor
        features.append(
            SimFeature(
                name=f"feature_{index:02d}",
                deploy=deploy,
                tests=tests,
                teardown=teardown,
                test_count=max(1, round(source.test_count * scale)),
                recorded=deploy + tests + teardown,
                actual_factor=rng.uniform(0.9, 1.1),
            )
        )
    return features


def shard_wall(jobs: list[float], workers: int) -> float:
    """Jobs (seconds), longest first, each to the first free worker; the time the last one ends."""
    ends = [0.0] * workers
    for job in sorted(jobs, reverse=True):
        heapq.heapreplace(ends, ends[0] + job)
    return max(ends)


def whole_feature_shards(features: list[SimFeature], shards: int, weight: str) -> list[list[float]]:
    weights = [
        FeatureWeight(
            f.name,
            Path(f.name),
            f.recorded if weight == "duration" else float(f.test_count),
            f.test_count,
            True,
        )
        for f in features
    ]
    by_name = {f.name: f for f in features}
    plan = plan_shards(weights, shards)
    return [[by_name[w.name].actual for w in shard.features] for shard in plan.shards]


def per_test_shards(features: list[SimFeature], shards: int) -> list[list[float]]:
    """Tests dealt round-robin over shards; each (feature, shard) pair deploys and deletes the stack."""
    share: list[dict[str, int]] = [{} for _ in range(shards)]
    position = 0
    for feature in features:
        for _ in range(feature.test_count):
            share[position % shards][feature.name] = share[position % shards].get(feature.name, 0) + 1
            position += 1
    by_name = {f.name: f for f in features}
    jobs: list[list[float]] = []
    for shard in share:
        shard_jobs = []
        for name, tests in shard.items():
            f = by_name[name]
            shard_jobs.append((f.deploy + f.teardown + f.tests * tests / f.test_count) * f.actual_factor)
        jobs.append(shard_jobs)
    return jobs


def run_figures(shard_jobs: list[list[float]], workers: int, setup: float) -> tuple[float, int]:
    """(wall seconds of the run, billed runner minutes)."""
    walls = [setup + shard_wall(jobs, workers) if jobs else setup for jobs in shard_jobs]
    return max(walls), sum(math.ceil(wall / 60) for wall in walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", type=int, default=40)
    parser.add_argument(
        "--workers", type=int, default=2, help="pytest-xdist workers per shard (runner cores)"
    )
    parser.add_argument("--setup-seconds", type=float, default=90.0, help="per-shard fixed cost")
    parser.add_argument("--durations", type=Path, default=REPO / ".fogbank" / "durations.json")
    parser.add_argument("--deploy-factor", type=float, default=1.0, help="multiply deploys and teardowns")
    options = parser.parse_args()
    durations = Durations.load(options.durations)
    if not durations:
        raise SystemExit(
            f"{options.durations} has no recorded features; run `fogbank e2e` once to record them"
        )
    features = simulate_features(durations, options.features, random.Random(SEED), options.deploy_factor)
    total = sum(f.actual for f in features)
    longest = max(f.actual for f in features)
    print(
        f"{len(features)} features drawn from {len(durations)} recorded ({options.durations.name}); total feature "
        f"time {total:.0f} s, longest feature {longest:.0f} s; {options.workers} workers per shard, "
        f"{options.setup_seconds:.0f} s setup per shard, deploys x{options.deploy_factor:g}\n"
    )
    print(
        f"{'shards':>6} {'balanced':>10} {'by tests':>10} {'per test':>10} {'ideal':>8}   runner minutes (balanced)"
    )
    for shards in SHARD_COUNTS:
        balanced, minutes = run_figures(
            whole_feature_shards(features, shards, "duration"), options.workers, options.setup_seconds
        )
        by_tests, _ = run_figures(
            whole_feature_shards(features, shards, "tests"), options.workers, options.setup_seconds
        )
        per_test, _ = run_figures(per_test_shards(features, shards), options.workers, options.setup_seconds)
        ideal = options.setup_seconds + max(total / (shards * options.workers), longest)
        print(
            f"{shards:>6} {balanced:>9.0f}s {by_tests:>9.0f}s {per_test:>9.0f}s {ideal:>7.0f}s   {minutes:>5}"
        )


if __name__ == "__main__":
    main()
