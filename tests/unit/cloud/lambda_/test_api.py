"""InvokeResult: what Invoke answers, and when it counts as a success."""

from __future__ import annotations

import pytest

from fogbank.cloud.lambda_.api import InvokeResult


@pytest.mark.parametrize(
    ("result", "ok"),
    [
        (InvokeResult(200, b"{}"), True),
        (InvokeResult(202, b""), True),
        (InvokeResult(204, b""), True),
        (InvokeResult(200, b'{"errorType": "ValueError"}', function_error="Unhandled"), False),
        (InvokeResult(404, b"{}", error_code="ResourceNotFoundException"), False),
        (InvokeResult(429, b"{}", error_code="TooManyRequestsException"), False),
    ],
)
def test_ok_means_a_2xx_status_without_a_function_error(result: InvokeResult, ok: bool) -> None:
    # GIVEN an Invoke result / WHEN asked whether it succeeded
    # THEN only a 2xx answer whose handler did not fail counts
    assert result.ok is ok
