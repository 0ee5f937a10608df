"""Deadline-based retries for the fetchers: return the moment the data is there, fail clearly at the deadline.

Example:
    >>> until_ready(lambda: 42, awaiting="the answer", timeout=1)
    42
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_delay, wait_exponential

from fogbank.errors import FetchTimeoutError

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "NotReady", "until_ready"]

T = TypeVar("T")

DEFAULT_TIMEOUT_SECONDS = 60.0


class NotReady(Exception):
    """Raised by an attempt whose data is not there yet; its message says what was seen."""


def until_ready(attempt: Callable[[], T], *, awaiting: str, timeout: float | None = None) -> T:
    """Call `attempt` until it stops raising NotReady; FetchTimeoutError once `timeout` seconds pass.

    The first call is immediate; later ones back off from 0.05 s to at most 2 s.
    """
    deadline = DEFAULT_TIMEOUT_SECONDS if timeout is None else timeout
    retrying = Retrying(
        stop=stop_after_delay(deadline),
        wait=wait_exponential(multiplier=0.05, min=0.05, max=2),
        retry=retry_if_exception_type(NotReady),
        reraise=False,
    )
    try:
        return retrying(attempt)
    except RetryError as exc:
        last = exc.last_attempt.exception()
        raise FetchTimeoutError(
            f"waited {deadline:g} s for {awaiting}; last seen: {last}. The data never arrived: check that the "
            "function ran (its logs), the time window, and the filter; raise the timeout for slow targets"
        ) from last
