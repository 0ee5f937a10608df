"""Sharding: whole features spread over CI machines, balanced by recorded durations.

Example:
    >>> from fogbank.sharding import plan_for
    >>> plan = plan_for([Path("tests/e2e")], shards=4)  # doctest: +SKIP
    >>> [feature.name for feature in plan.shard(1).features]  # doctest: +SKIP
    ['event_handler']
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fogbank.sharding.durations import DURATIONS_FILE, Durations, FeatureDuration, default_durations_path
from fogbank.sharding.features import FeatureFolder, discover_features
from fogbank.sharding.plan import (
    FeatureWeight,
    Shard,
    ShardPlan,
    format_plan,
    parse_shard,
    plan_shards,
    weigh_features,
)

__all__ = [
    "DURATIONS_FILE",
    "Durations",
    "FeatureDuration",
    "FeatureFolder",
    "FeatureWeight",
    "Shard",
    "ShardPlan",
    "default_durations_path",
    "discover_features",
    "format_plan",
    "parse_shard",
    "plan_for",
    "plan_shards",
    "weigh_features",
]


def plan_for(paths: Sequence[Path], shards: int, durations_path: Path | None = None) -> ShardPlan:
    """The plan for the features under `paths`, weighed by the durations file (default: the project's, local)."""
    durations = Durations.load(durations_path or default_durations_path())
    return plan_shards(weigh_features(discover_features(paths), durations), shards)
