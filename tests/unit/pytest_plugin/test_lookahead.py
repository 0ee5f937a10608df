"""Which features a pytest process runs next, read from the session's own items (collected for real by
pytester, in this process). The queue of an xdist worker is exercised in real worker processes by
tests/integration/framework/test_pipeline.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.pytest_plugin.lookahead import feature_folder_of, next_features, upcoming_items

pytest_plugins = ["pytester"]

USES_STACK = """
import pytest

@pytest.fixture
def infrastructure():
    return {}

def test_one(infrastructure):
    pass

def test_two(infrastructure):
    pass
"""
NO_STACK = "def test_plain():\n    pass\n"


def collect(pytester: pytest.Pytester) -> tuple[list[pytest.Item], list[Path]]:
    """e2e/alpha, e2e/bravo (no stack), e2e/charlie, e2e/delta: collected in that order."""
    for name, source in (
        ("alpha", USES_STACK),
        ("bravo", NO_STACK),
        ("charlie", USES_STACK),
        ("delta", USES_STACK),
    ):
        folder = pytester.path / "e2e" / name
        folder.mkdir(parents=True)
        (folder / f"test_{name}.py").write_text(source)
    items, _ = pytester.inline_genitems("e2e", "-p", "no:xdist", "-p", "no:cacheprovider", "-p", "no:fogbank")
    managed = [pytester.path / "e2e" / name for name in ("alpha", "bravo", "charlie", "delta")]
    return items, managed


def test_the_next_features_with_a_stack_come_in_session_order(pytester: pytest.Pytester) -> None:
    # GIVEN four features collected in one session (one collection: it is the slow part); bravo's tests do
    # not use the `infrastructure` fixture
    items, managed = collect(pytester)
    first = items[0]
    # WHEN the next two features after alpha's first test are asked for
    upcoming = next_features(first, managed, how_many=2)
    # THEN alpha itself and bravo are skipped: charlie and delta come next, in order
    assert [folder.name for folder in upcoming] == ["charlie", "delta"]
    assert [folder.name for folder in next_features(first, managed, how_many=1)] == ["charlie"]
    # AND the upcoming items of a test are the ones after it in the session
    assert upcoming_items(items[1]) == items[2:]
    assert upcoming_items(items[-1]) == []
    # AND each item's feature folder is the managed folder it sits in, or None outside them
    assert feature_folder_of(items[2], managed) == managed[1]
    assert feature_folder_of(items[0], managed[1:]) is None
