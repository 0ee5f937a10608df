"""The durations file: round trip, stable updates, clear errors."""

from __future__ import annotations

import json

import pytest

from fogbank.errors import ConfigError
from fogbank.sharding import Durations, FeatureDuration, default_durations_path


def test_round_trip_is_sorted_rounded_and_stable(tmp_path):
    # GIVEN durations with unrounded figures
    path = tmp_path / ".fogbank" / "durations.json"
    durations = Durations(
        {
            "zeta": FeatureDuration(deploy=1.04, tests=2.06, teardown=0.51, test_count=1),
            "alpha": FeatureDuration(deploy=10.0, tests=5.0, teardown=2.0, test_count=4),
        }
    )

    # WHEN saved twice and loaded
    first, second = durations.save(path), durations.save(path)
    loaded = Durations.load(path)

    # THEN the file is written once, sorted, rounded to 0.1 s, and reads back the same
    assert (first, second) == (True, False)
    assert list(json.loads(path.read_text())["features"]) == ["alpha", "zeta"]
    assert loaded["zeta"] == FeatureDuration(deploy=1.0, tests=2.1, teardown=0.5, test_count=1)
    assert loaded["alpha"].total == 17.0


def test_small_changes_are_not_recorded_large_ones_and_new_features_are():
    # GIVEN a recorded feature of 20 s
    recorded = Durations({"logger": FeatureDuration(deploy=10.0, tests=8.0, teardown=2.0, test_count=2)})

    # WHEN measurements come in: 1 s slower, 5 s slower, a new test, and a new feature
    small = recorded.updated({"logger": FeatureDuration(11.0, 8.0, 2.0, 2)})
    large = recorded.updated({"logger": FeatureDuration(15.0, 8.0, 2.0, 2)})
    more_tests = recorded.updated({"logger": FeatureDuration(10.0, 8.5, 2.0, 3)})
    new = recorded.updated({"tracer": FeatureDuration(5.0, 1.0, 1.0, 1)})

    # THEN only real changes are recorded, and nothing is forgotten
    assert small["logger"].total == 20.0
    assert large["logger"].total == 25.0
    assert more_tests["logger"].test_count == 3
    assert set(new) == {"logger", "tracer"}


def test_absent_file_is_empty_and_a_broken_one_says_what_to_do(tmp_path):
    # GIVEN no file, and a file that is not a durations file
    broken = tmp_path / "broken.json"
    broken.write_text('{"features": {"x": {"deploy": 1}}}')

    # WHEN / THEN
    assert len(Durations.load(tmp_path / "absent.json")) == 0
    with pytest.raises(ConfigError, match=r"broken.json is not a fogbank durations file.*delete it"):
        Durations.load(broken)


def test_default_path_is_per_target_in_the_project_root_unless_the_environment_says(tmp_path, monkeypatch):
    # GIVEN a project with a subfolder
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "tests").mkdir()
    monkeypatch.delenv("FOGBANK_DURATIONS", raising=False)

    # WHEN / THEN
    assert default_durations_path(tmp_path / "tests") == tmp_path / ".fogbank" / "durations.json"
    aws = default_durations_path(tmp_path / "tests", target="aws")
    assert aws == tmp_path / ".fogbank" / "durations-aws.json"  # minutes, not seconds: a file of its own
    monkeypatch.setenv("FOGBANK_DURATIONS", str(tmp_path / "elsewhere.json"))
    assert default_durations_path(tmp_path / "tests") == tmp_path / "elsewhere.json"


def test_merged_takes_the_newer_record_per_feature():
    # GIVEN two shards' files that both know `shared`
    first = Durations({"a": FeatureDuration(1, 1, 1, 1), "shared": FeatureDuration(1, 1, 1, 1)})
    second = Durations({"b": FeatureDuration(2, 2, 2, 2), "shared": FeatureDuration(9, 9, 9, 9)})

    # WHEN / THEN
    merged = first.merged(second)
    assert sorted(merged) == ["a", "b", "shared"]
    assert merged["shared"].test_count == 9
