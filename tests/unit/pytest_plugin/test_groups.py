"""The feature-group scheduler behind `--dist loadgroup`: each feature folder stays on one xdist worker."""

from __future__ import annotations

import textwrap

import pytest

from fogbank.pytest_plugin.groups import feature_group, longest_first
from fogbank.sharding import Durations, FeatureDuration

pytest_plugins = ["pytester"]


@pytest.mark.parametrize(
    ("nodeid", "group"),
    [
        ("tests/e2e/logger/test_logger.py::test_cold_start", "tests/e2e/logger"),
        ("tests/e2e/logger/sub/test_x.py::TestA::test_b", "tests/e2e/logger/sub"),
        ("tests/e2e/logger/test_logger.py::test_cold_start@serial", "serial"),  # xdist_group suffix wins
        ("tests/e2e/logger/test_logger.py::test_id[user@example.org]", "tests/e2e/logger"),  # "@" in a param
        ("tests/e2e/logger/test_logger.py::test_id[a@b]@grp", "grp"),
        ("test_top.py::test_x", "."),
    ],
)
def test_a_tests_group_is_its_xdist_group_or_its_feature_folder(nodeid: str, group: str) -> None:
    # GIVEN a node id / WHEN its group is taken THEN an @group suffix wins, an "@" inside [params] does not
    assert feature_group(nodeid) == group


def test_feature_group_scheduler_keeps_each_feature_on_one_worker(pytester: pytest.Pytester):
    # GIVEN two features of four tests each, every test recording the worker it ran on
    for feature in ("alpha", "beta"):
        folder = pytester.path / "e2e" / feature
        folder.mkdir(parents=True)
        (folder / f"test_{feature}.py").write_text(
            textwrap.dedent(
                f"""
                import os, time
                import pytest

                @pytest.mark.parametrize("i", range(4))
                def test_{feature}(i):
                    time.sleep(0.1)
                    with open("{pytester.path}/ran.txt", "a") as ran:
                        ran.write("{feature} " + os.environ["PYTEST_XDIST_WORKER"] + "\\n")
                """
            )
        )

    # WHEN they run on two workers with --dist loadgroup (fogbank's plugin supplies the scheduler)
    result = pytester.runpytest_subprocess("-n", "2", "--dist", "loadgroup", "e2e")

    # THEN every test ran, and each feature's tests all ran on one worker
    result.assert_outcomes(passed=8)
    workers: dict[str, set[str]] = {}
    for line in (pytester.path / "ran.txt").read_text().splitlines():
        feature, worker = line.split()
        workers.setdefault(feature, set()).add(worker)
    assert {feature: len(seen) for feature, seen in workers.items()} == {"alpha": 1, "beta": 1}


def test_longest_first_orders_by_recorded_tests_time_and_estimates_the_unknown():
    # GIVEN recorded tests times for two features (2.0 s per test overall) and one feature never recorded
    recorded = Durations(
        {
            "idempotency": FeatureDuration(deploy=0.5, tests=12.0, teardown=0.1, test_count=5),
            "event_handler": FeatureDuration(deploy=6.0, tests=2.0, teardown=0.1, test_count=2),
        }
    )
    counts = {"tests/e2e/event_handler": 47, "tests/e2e/brand_new": 3, "tests/e2e/idempotency": 5}

    # WHEN the groups are ordered
    order = longest_first(counts, recorded)

    # THEN the recorded time wins over the test count; the unknown one weighs 3 tests x 2.0 s = 6 s
    assert order == ["tests/e2e/idempotency", "tests/e2e/brand_new", "tests/e2e/event_handler"]


def test_without_records_the_group_with_most_tests_goes_first():
    # GIVEN no durations file content / WHEN ordered THEN by test count, ties in their given order
    order = longest_first({"a": 1, "b": 4, "c": 1}, Durations())
    assert order == ["b", "a", "c"]


def test_scheduler_hands_out_the_longest_recorded_feature_first(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    # GIVEN three features, and a durations file saying the one with the fewest tests takes longest
    for feature, tests in (("many", 4), ("few", 2), ("slow", 1)):
        folder = pytester.path / "e2e" / feature
        folder.mkdir(parents=True)
        (folder / f"test_{feature}.py").write_text(
            textwrap.dedent(
                f"""
                import pytest

                @pytest.mark.parametrize("i", range({tests}))
                def test_{feature}(i):
                    with open("{pytester.path}/ran.txt", "a") as ran:
                        ran.write("{feature}\\n")
                """
            )
        )
    durations = Durations(
        {
            "slow": FeatureDuration(deploy=1.0, tests=30.0, teardown=0.1, test_count=1),
            "many": FeatureDuration(deploy=1.0, tests=2.0, teardown=0.1, test_count=4),
            "few": FeatureDuration(deploy=1.0, tests=1.0, teardown=0.1, test_count=2),
        }
    )
    (pytester.path / "durations.json").write_text(durations.to_json())
    monkeypatch.setenv("FOGBANK_DURATIONS", str(pytester.path / "durations.json"))

    # WHEN they run on one xdist worker with --dist loadgroup
    result = pytester.runpytest_subprocess("-n", "1", "--dist", "loadgroup", "e2e")

    # THEN the features ran longest first: the one with a single test before the one with four
    result.assert_outcomes(passed=7)
    ran = (pytester.path / "ran.txt").read_text().split()
    assert ran == ["slow", "many", "many", "many", "many", "few", "few"]
