"""The shard plan: whole features, balanced, deterministic."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from fogbank.errors import ConfigError
from fogbank.sharding import (
    Durations,
    FeatureDuration,
    FeatureFolder,
    parse_shard,
    plan_shards,
    weigh_features,
)
from fogbank.sharding.plan import DEFAULT_SECONDS_PER_TEST, FeatureWeight, format_plan


def _weights(seconds: dict[str, float]) -> list[FeatureWeight]:
    return [FeatureWeight(name, Path(name), value, 1, True) for name, value in seconds.items()]


def test_every_feature_lands_in_exactly_one_shard_and_the_longest_shard_is_near_ideal():
    # GIVEN 40 features with varied durations
    generator = random.Random(7)
    weights = _weights({f"f{i:02d}": round(generator.uniform(10, 200), 1) for i in range(40)})

    # WHEN planned for 6 shards
    plan = plan_shards(weights, 6)

    # THEN the features are partitioned, and the longest shard is within 4/3 of the ideal (LPT's bound)
    names = [feature.name for shard in plan.shards for feature in shard.features]
    assert sorted(names) == sorted(weight.name for weight in weights)
    ideal = max(sum(w.seconds for w in weights) / 6, max(w.seconds for w in weights))
    assert plan.longest_seconds <= ideal * 4 / 3


def test_the_plan_is_the_same_whatever_the_input_order():
    # GIVEN the same features in two orders, with ties
    weights = _weights({"a": 10, "b": 10, "c": 10, "d": 5, "e": 5})
    shuffled = list(reversed(weights))

    # WHEN / THEN
    assert plan_shards(weights, 2) == plan_shards(shuffled, 2)
    assert [[f.name for f in s.features] for s in plan_shards(weights, 2).shards] == [
        ["a", "c"],
        ["b", "d", "e"],
    ]


def test_more_shards_than_features_leaves_empty_shards():
    plan = plan_shards(_weights({"a": 3, "b": 2}), 4)
    assert [len(shard.features) for shard in plan.shards] == [1, 1, 0, 0]


def test_unknown_features_are_weighted_by_tests_times_the_recorded_seconds_per_test():
    # GIVEN a record of 2 features (40 s over 4 tests = 10 s per test) and a new feature with 3 tests
    durations = Durations({"old": FeatureDuration(10, 8, 2, 2), "older": FeatureDuration(10, 8, 2, 2)})
    features = [FeatureFolder("new", Path("new"), 3), FeatureFolder("old", Path("old"), 2)]

    # WHEN
    weights = {weight.name: weight for weight in weigh_features(features, durations)}

    # THEN the known one uses its record, the new one its test count
    assert (weights["old"].seconds, weights["old"].recorded) == (20.0, True)
    assert (weights["new"].seconds, weights["new"].recorded) == (30.0, False)
    # and with nothing recorded, the default seconds per test applies
    fresh = weigh_features(features, Durations())
    assert fresh[0].seconds == 3 * DEFAULT_SECONDS_PER_TEST


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_a_bad_shard_is_a_clear_error(text):
    with pytest.raises(ConfigError, match="write I/N"):
        parse_shard(text)


def test_the_printed_plan_names_features_times_and_sources():
    # GIVEN a plan with a recorded and an estimated feature
    weights = [FeatureWeight("logger", Path("e2e/logger"), 20.0, 2, True)]
    weights.append(FeatureWeight("tracer", Path("e2e/tracer"), 12.0, 2, False))

    # WHEN
    lines = format_plan(plan_shards(weights, 2))

    # THEN
    assert lines[0] == "shard 1/2: 1 features, expected 20.0 s"
    assert "recorded" in lines[1] and "e2e/logger" in lines[1]
    assert lines[2] == "shard 2/2: 1 features, expected 12.0 s"
    assert "estimated from 2 tests" in lines[3]
    assert "the longest shard 20.0 s" in lines[-1]
