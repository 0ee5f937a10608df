"""The shard plan: whole features spread over N shards, balanced by their recorded durations.

Longest-processing-time-first: features sorted by expected seconds (longest first, then by name), each put
on the shard with the least expected time so far (the lowest index on a tie). The same features and the same
durations file always give the same plan, on every CI machine.

A feature missing from the durations file is weighted by its number of tests times the recorded seconds per
test of the known features (DEFAULT_SECONDS_PER_TEST when nothing is recorded yet).

Example:
    >>> weights = [FeatureWeight("a", Path("a"), 30.0, 3, True), FeatureWeight("b", Path("b"), 20.0, 1, True),
    ...            FeatureWeight("c", Path("c"), 15.0, 2, False)]
    >>> [[f.name for f in shard.features] for shard in plan_shards(weights, 2).shards]
    [['a'], ['b', 'c']]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fogbank.errors import ConfigError
from fogbank.sharding.durations import Durations
from fogbank.sharding.features import FeatureFolder

__all__ = [
    "DEFAULT_SECONDS_PER_TEST",
    "FeatureWeight",
    "Shard",
    "ShardPlan",
    "format_plan",
    "parse_shard",
    "plan_shards",
    "weigh_features",
]

# Seconds per test of this repository's example suites on the local target (deploy + tests + teardown over
# the number of tests, .fogbank/durations.json); used only while a project has recorded nothing.
DEFAULT_SECONDS_PER_TEST = 1.5


@dataclass(frozen=True)
class FeatureWeight:
    """A feature with its expected seconds; `recorded` is False when estimated from its test count."""

    name: str
    path: Path
    seconds: float
    test_count: int
    recorded: bool


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based) and its features, in the order they were placed."""

    index: int
    count: int
    features: tuple[FeatureWeight, ...]

    @property
    def seconds(self) -> float:
        return sum(feature.seconds for feature in self.features)


@dataclass(frozen=True)
class ShardPlan:
    """Every feature in exactly one shard."""

    shards: tuple[Shard, ...]

    def shard(self, index: int) -> Shard:
        return self.shards[index - 1]

    @property
    def longest_seconds(self) -> float:
        return max((shard.seconds for shard in self.shards), default=0.0)


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/4"` -> (2, 4); a clear error for anything else.

    >>> parse_shard("2/4")
    (2, 4)
    """
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ConfigError(
            f"--shard {text!r}: write I/N with 1 <= I <= N, e.g. --shard 2/4 for the second of four"
        )
    return int(match.group(1)), int(match.group(2))


def seconds_per_test(durations: Durations) -> float:
    """Recorded seconds per test over every recorded feature (DEFAULT_SECONDS_PER_TEST when none)."""
    tests = sum(entry.test_count for entry in durations.values())
    if not tests:
        return DEFAULT_SECONDS_PER_TEST
    return sum(entry.total for entry in durations.values()) / tests


def weigh_features(features: Sequence[FeatureFolder], durations: Durations) -> list[FeatureWeight]:
    """Each feature's expected seconds: recorded when the durations file knows it, else estimated."""
    per_test = seconds_per_test(durations)
    weights = []
    for feature in features:
        entry = durations.get(feature.name)
        if entry is not None:
            weights.append(FeatureWeight(feature.name, feature.path, entry.total, feature.test_count, True))
        else:
            estimate = round(max(1, feature.test_count) * per_test, 1)
            weights.append(FeatureWeight(feature.name, feature.path, estimate, feature.test_count, False))
    return weights


def plan_shards(weights: Sequence[FeatureWeight], count: int) -> ShardPlan:
    """Spread `weights` over `count` shards, longest first onto the least loaded shard."""
    if count < 1:
        raise ConfigError(f"cannot plan {count} shards; the number of shards must be 1 or more")
    placed: list[list[FeatureWeight]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for feature in sorted(weights, key=lambda weight: (-weight.seconds, weight.name, str(weight.path))):
        lightest = min(range(count), key=lambda index: (loads[index], index))
        placed[lightest].append(feature)
        loads[lightest] += feature.seconds
    return ShardPlan(tuple(Shard(index + 1, count, tuple(placed[index])) for index in range(count)))


def format_plan(plan: ShardPlan) -> list[str]:
    """The plan as lines: one per shard with its expected seconds, then its features."""
    lines = []
    for shard in plan.shards:
        lines.append(
            f"shard {shard.index}/{shard.count}: {len(shard.features)} features, expected {shard.seconds:.1f} s"
        )
        for feature in shard.features:
            source = "recorded" if feature.recorded else f"estimated from {feature.test_count} tests"
            lines.append(f"  {feature.name:<24} {feature.seconds:>8.1f} s  ({source})  {feature.path}")
    total = sum(shard.seconds for shard in plan.shards)
    lines.append(
        f"total {total:.1f} s of feature time; the longest shard {plan.longest_seconds:.1f} s "
        f"(times are one worker's; `-n W` workers per shard divide them by up to W)"
    )
    return lines
