"""The feature-group scheduler behind `--dist loadgroup`: each feature folder stays on one xdist worker."""

from __future__ import annotations

import textwrap

import pytest

from fogbank.pytest_plugin.groups import feature_group

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
