"""Sharding: whole features spread over CI machines, balanced by recorded durations.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from fogbank.sharding import plan_for
    >>> suite = tempfile.TemporaryDirectory()
    >>> for feature, tests in (("logger", 2), ("tracer", 1)):
    ...     Path(suite.name, feature).mkdir()
    ...     _ = Path(suite.name, feature, "infrastructure.py").write_text("")
    ...     _ = Path(suite.name, feature, "test_it.py").write_text("def test_a(): pass\\n" * tests)
    >>> plan = plan_for([Path(suite.name)], shards=2, durations_path=Path(suite.name, "durations.json"))
    >>> [[feature.name for feature in shard.features] for shard in plan.shards]
    [['logger'], ['tracer']]
    >>> suite.cleanup()
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
