"""Custom resources' ResponseURL: one token per request, the handler's PUT delivered to the waiting provider."""

from __future__ import annotations

import threading

import pytest

from fogbank.cloud.cloudformation.custom_responses import RESPONSE_PATH, FailedWithoutResponse, ResponseBox
from fogbank.cloud.router import AwsRequest


def _put(box: ResponseBox, token: str, body: bytes, method: str = "PUT") -> tuple[int, bytes]:
    answer = box.handle(AwsRequest.build(method, f"{RESPONSE_PATH}{token}", {}, body))
    return answer.status, answer.body


def test_a_put_to_the_response_url_reaches_the_waiting_provider() -> None:
    # GIVEN a provider waiting on a token, in another thread
    box = ResponseBox("http://127.0.0.1:4566")
    token = box.open()
    answers: list[object] = []
    waiter = threading.Thread(target=lambda: answers.append(box.wait(token, timeout=5)))
    waiter.start()

    # WHEN the handler PUTs its response to the URL it was given
    assert box.response_url(token) == f"http://127.0.0.1:4566{RESPONSE_PATH}{token}"
    status, _ = _put(box, token, b'{"Status": "SUCCESS", "PhysicalResourceId": "p"}')
    waiter.join(5)

    # THEN the PUT is accepted and the provider gets the parsed body
    assert status == 200
    assert answers == [{"Status": "SUCCESS", "PhysicalResourceId": "p"}]
    # AND the token is used up: a second PUT finds nobody waiting
    assert _put(box, token, b"{}") == (404, f"no custom resource is waiting for response {token}".encode())


@pytest.mark.parametrize(
    ("method", "body", "status"),
    [("GET", b"{}", 405), ("PUT", b"not json", 400)],
)
def test_wrong_method_or_body_is_refused_and_the_provider_keeps_waiting(
    method: str, body: bytes, status: int
) -> None:
    # GIVEN a waiting token
    box = ResponseBox("http://127.0.0.1:4566")
    token = box.open()
    # WHEN the handler sends with the wrong method or a body that is not JSON
    # THEN it is refused, and nothing was delivered (the wait ends at its deadline with nothing)
    assert _put(box, token, body, method)[0] == status
    assert box.wait(token, timeout=0.01) is None


def test_a_response_that_arrives_within_the_grace_after_a_failure_still_wins() -> None:
    # GIVEN a function that failed, then PUT its response (it may PUT, then crash)
    box = ResponseBox("http://127.0.0.1:4566")
    token = box.open()
    box.fail(token, "Unhandled: boom")
    box.deliver(token, b'{"Status": "FAILED", "Reason": "mine"}')
    # WHEN the provider waits THEN it gets the function's own response, not the failure
    assert box.wait(token, timeout=5, grace=5) == {"Status": "FAILED", "Reason": "mine"}


def test_a_failure_without_response_ends_the_wait_with_the_failure() -> None:
    # GIVEN a function that failed and never responds
    box = ResponseBox("http://127.0.0.1:4566")
    token = box.open()
    box.fail(token, "Runtime.ExitError")
    # WHEN the provider waits THEN it learns why, after the grace period only
    with pytest.raises(FailedWithoutResponse, match=r"Runtime\.ExitError"):
        box.wait(token, timeout=5, grace=0.01)
    # AND a late failure report finds nobody waiting
    assert box.fail(token, "again") is False
    assert box.deliver(token, b"{}") is False


def test_closing_the_box_wakes_waiters_without_an_answer() -> None:
    # GIVEN a provider waiting with a long deadline, even after a failure report
    box = ResponseBox("http://127.0.0.1:4566")
    token = box.open()
    box.fail(token, "Unhandled")
    answers: list[object] = []
    waiter = threading.Thread(target=lambda: answers.append(box.wait(token, timeout=30, grace=30)))
    waiter.start()

    # WHEN the cloud stops
    box.close()
    waiter.join(5)

    # THEN the wait ends at once with no answer (the stop, not the function, ended it)
    assert not waiter.is_alive()
    assert answers == [None]
