"""The data_fetcher helpers keep the seed's semantics where tests rely on them."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest

from fogbank.data_fetcher import (
    GetLambdaResponseOptions,
    get_lambda_response,
    get_lambda_response_in_parallel,
)
from fogbank.data_fetcher import lambda_ as lambda_module
from fogbank.data_fetcher.lambda_ import STAGGER_SECONDS


class _RecordingLambda:
    """A stand-in Lambda client (the helpers' `client` argument): logs each invoke's start in `log`.

    With `overlap=n`, every invoke waits (on a barrier) until n invokes are in flight at once, so a helper that
    ran them one after the other would break the barrier instead of passing.
    """

    def __init__(self, function_error: str | None = None, overlap: int = 1) -> None:
        self.log: list[tuple[str, Any]] = []
        self.condition = threading.Condition()
        self._function_error = function_error
        self._barrier = threading.Barrier(overlap)

    def started(self) -> int:
        return sum(1 for kind, _ in self.log if kind == "start")

    def invoke(self, FunctionName: str, InvocationType: str, Payload: Any) -> dict[str, Any]:
        with self.condition:
            self.log.append(("start", Payload))
            self.condition.notify_all()
        self._barrier.wait(timeout=_HANG_GUARD_SECONDS)
        response: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(b'"boom"')}
        if self._function_error:
            response["FunctionError"] = self._function_error
        return response


# Only a guard against a hang if the helper is broken: no assertion depends on how long anything takes.
_HANG_GUARD_SECONDS = 30.0


class _StaggerClock:
    """Replaces the helper's `time` module: `sleep(s)` is logged instead of slept.

    The n-th sleep (before the n-th submit) returns once the previous invocation has started, which is what
    the real stagger guarantees on an idle machine, so the log's order does not depend on the machine's load.
    """

    def __init__(self, client: _RecordingLambda) -> None:
        self._client = client
        self._sleeps = 0

    def sleep(self, seconds: float) -> None:
        with self._client.condition:
            previous = self._sleeps
            assert self._client.condition.wait_for(
                lambda: self._client.started() >= previous, timeout=_HANG_GUARD_SECONDS
            )
            self._client.log.append(("sleep", seconds))
            self._sleeps += 1


def test_parallel_invocations_start_in_order_half_a_second_times_n_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN three invocations of one client that only answer once all three are in flight, and a logged clock
    client = _RecordingLambda(overlap=3)
    monkeypatch.setattr(lambda_module, "time", _StaggerClock(client))
    options = [GetLambdaResponseOptions(lambda_arn="fn", payload=str(i), client=client) for i in range(3)]

    # WHEN invoked in parallel
    results = get_lambda_response_in_parallel(options)

    # THEN each started after a stagger of 0.5 * n s, in the given order, and all three overlapped
    assert client.log == [
        ("sleep", 0.0),
        ("start", "0"),
        ("sleep", STAGGER_SECONDS * 1),
        ("start", "1"),
        ("sleep", STAGGER_SECONDS * 2),
        ("start", "2"),
    ]
    assert len(results) == 3 and STAGGER_SECONDS == 0.5


def test_only_unhandled_function_errors_raise_as_in_the_seed() -> None:
    # GIVEN a function that failed (Unhandled) and one answering a Handled error
    # WHEN invoked THEN only the Unhandled one raises
    with pytest.raises(RuntimeError, match="boom"):
        get_lambda_response("fn", client=_RecordingLambda("Unhandled"))
    response, _ = get_lambda_response("fn", client=_RecordingLambda("Handled"))
    assert response["FunctionError"] == "Handled"
