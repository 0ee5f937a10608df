"""What an e2e session leaves out at its end (fogbank.pytest_plugin.session_end): an idle summary, the exit collection."""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]

_RECORD_IMPORT = """
import sys

def pytest_unconfigure(config):
    with open("imported.txt", "w") as out:
        out.write(str("hypothesis" in sys.modules))
"""


def test_a_run_without_hypothesis_tests_does_not_import_it_at_the_end(pytester: pytest.Pytester):
    # GIVEN a plain test (no hypothesis), with hypothesis' pytest plugin installed
    pytester.makeconftest(_RECORD_IMPORT)
    pytester.makepyfile(test_plain="def test_plain():\n    assert 1 + 1 == 2\n")

    # WHEN it runs
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    # THEN it passes and hypothesis was never imported (its summary was left out)
    result.assert_outcomes(passed=1)
    assert (pytester.path / "imported.txt").read_text() == "False"


def test_hypothesis_statistics_are_still_shown_for_hypothesis_tests(pytester: pytest.Pytester):
    # GIVEN a hypothesis test
    pytester.makeconftest(_RECORD_IMPORT)
    pytester.makepyfile(
        test_prop=textwrap.dedent(
            """
            from hypothesis import given, settings, strategies as st

            @settings(max_examples=5, database=None)
            @given(st.integers())
            def test_prop(n):
                assert n == n
            """
        )
    )

    # WHEN it runs with hypothesis' statistics option
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--hypothesis-show-statistics")

    # THEN the summary keeps hypothesis' section
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*Hypothesis Statistics*", "*test_prop*"])
    assert (pytester.path / "imported.txt").read_text() == "True"


def test_a_process_that_ran_features_freezes_its_heap_when_it_exits(pytester: pytest.Pytester):
    # GIVEN a feature folder (an infrastructure.py makes it one) whose test does not need its stack,
    # and an atexit handler registered first, so that it runs last and sees the heap as the exit leaves it
    feature = pytester.path / "e2e" / "alpha"
    feature.mkdir(parents=True)
    (feature / "infrastructure.py").write_text("# a feature folder\n")
    (feature / "test_alpha.py").write_text("def test_alpha():\n    assert True\n")
    pytester.makeconftest(
        textwrap.dedent(
            """
            import atexit, gc

            def _record():
                with open("frozen.txt", "w") as out:
                    out.write(str(gc.get_freeze_count() > 0))

            atexit.register(_record)
            """
        )
    )

    # WHEN it runs in its own process
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "e2e")

    # THEN the test passed, and by the end of the process its objects were frozen (no final collection)
    result.assert_outcomes(passed=1)
    assert (pytester.path / "frozen.txt").read_text() == "True"


def test_a_process_without_features_exits_as_usual(pytester: pytest.Pytester):
    # GIVEN a plain test folder and the same atexit probe
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    pytester.makeconftest(
        "import atexit, gc\n"
        "atexit.register(lambda: open('frozen.txt', 'w').write(str(gc.get_freeze_count() > 0)))\n"
    )

    # WHEN it runs / THEN nothing was frozen
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert (pytester.path / "frozen.txt").read_text() == "False"
