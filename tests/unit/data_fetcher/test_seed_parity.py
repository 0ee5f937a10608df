"""The data_fetcher helpers keep the seed's semantics where tests rely on them."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

import pytest

from fogbank.data_fetcher import (
    GetLambdaResponseOptions,
    get_lambda_response,
    get_lambda_response_in_parallel,
)
from fogbank.data_fetcher.lambda_ import STAGGER_SECONDS


class _RecordingLambda:
    """A stand-in Lambda client (the helpers' `client` argument): records when each invoke starts."""

    def __init__(self, function_error: str | None = None) -> None:
        self.started: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        self._function_error = function_error

    def invoke(self, FunctionName: str, InvocationType: str, Payload: Any) -> dict[str, Any]:
        with self._lock:
            self.started.append((time.monotonic(), Payload))
        time.sleep(0.3)  # every call overlaps the next ones
        response: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(b'"boom"')}
        if self._function_error:
            response["FunctionError"] = self._function_error
        return response


def test_parallel_invocations_start_in_order_half_a_second_times_n_apart() -> None:
    # GIVEN three invocations of one client
    client = _RecordingLambda()
    options = [GetLambdaResponseOptions(lambda_arn="fn", payload=str(i), client=client) for i in range(3)]

    # WHEN invoked in parallel
    results = get_lambda_response_in_parallel(options)

    # THEN they started in the given order, the n-th 0.5 * n s after the one before, and still overlapped
    assert [payload for _, payload in client.started] == ["0", "1", "2"]
    starts = [moment for moment, _ in client.started]
    assert starts[1] - starts[0] >= STAGGER_SECONDS * 1 - 0.05
    assert starts[2] - starts[1] >= STAGGER_SECONDS * 2 - 0.05
    assert len(results) == 3 and STAGGER_SECONDS == 0.5


def test_only_unhandled_function_errors_raise_as_in_the_seed() -> None:
    # GIVEN a function that failed (Unhandled) and one answering a Handled error
    # WHEN invoked THEN only the Unhandled one raises
    with pytest.raises(RuntimeError, match="boom"):
        get_lambda_response("fn", client=_RecordingLambda("Unhandled"))
    response, _ = get_lambda_response("fn", client=_RecordingLambda("Handled"))
    assert response["FunctionError"] == "Handled"
