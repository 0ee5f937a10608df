"""The fogbank exception tree, as its docstring draws it."""

from __future__ import annotations

import re

import pytest

import fogbank.errors as errors
from fogbank.errors import FetchTimeoutError, FogbankError


def test_the_drawn_tree_is_the_real_one() -> None:
    # GIVEN the tree drawn in the module docstring (the one a reader looks at)
    drawn = re.findall(r"[├└]── (\w+)", errors.__doc__ or "")
    # WHEN compared with the classes the module exports
    exported = sorted(name for name in errors.__all__ if name != "FogbankError")
    # THEN every exported error is drawn, and each drawn one is a direct child of FogbankError
    assert sorted(drawn) == exported
    for name in drawn:
        assert FogbankError in getattr(errors, name).__bases__, name


def test_a_fetch_timeout_is_also_a_timeout_error() -> None:
    # GIVEN code that waits and catches the builtin TimeoutError
    # WHEN a data_fetcher deadline passes THEN that code catches it too, and so does FogbankError
    with pytest.raises(TimeoutError):
        raise FetchTimeoutError("waited 1 s for logs")
    with pytest.raises(FogbankError):
        raise FetchTimeoutError("waited 1 s for logs")
