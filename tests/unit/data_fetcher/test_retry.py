from __future__ import annotations

import pytest

from fogbank.data_fetcher.retry import NotReady, until_ready
from fogbank.errors import FetchTimeoutError


def test_until_ready_returns_at_once_and_times_out_with_what_it_saw() -> None:
    # GIVEN an attempt that succeeds on the third call
    calls: list[int] = []

    def attempt() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise NotReady(f"{len(calls)} seen")
        return "data"

    # THEN it returns the data as soon as it is there
    assert until_ready(attempt, awaiting="data", timeout=5) == "data" and len(calls) == 3
    # AND an attempt that never succeeds raises FetchTimeoutError naming the awaited data and the last state
    with pytest.raises(FetchTimeoutError, match=r"waited 0.2 s for the answer; last seen: still empty"):
        until_ready(
            lambda: (_ for _ in ()).throw(NotReady("still empty")), awaiting="the answer", timeout=0.2
        )
