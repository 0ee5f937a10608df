"""HTTP requests to front doors, retried while the endpoint is not reachable yet.

Example (skipped as a doctest: it needs a deployed stack):
    >>> get_http_response(requests.Request("GET", url))  # doctest: +SKIP
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import requests

from fogbank.data_fetcher.retry import NotReady, until_ready
from fogbank.report.capture import record_http_request

__all__ = ["get_http_response"]


def get_http_response(request: requests.Request, timeout: float | None = None) -> requests.Response:
    """Send `request`, retrying only while the endpoint does not accept connections yet (until the deadline).

    Any HTTP answer is final: 4xx and 5xx raise `requests.HTTPError` at once (the test may expect them, and a
    POST must not run twice). A certificate error is raised at once too.
    """

    def attempt() -> requests.Response:
        with requests.Session() as session:
            prepared = session.prepare_request(request)
            # As requests.get() does: honour REQUESTS_CA_BUNDLE, proxies and .netrc from the environment.
            settings = session.merge_environment_settings(prepared.url, {}, None, None, None)
            try:
                result = session.send(prepared, timeout=30, **settings)
            except requests.exceptions.SSLError:
                raise  # a certificate problem does not go away by waiting
            except requests.ConnectionError as exc:
                raise NotReady(f"connection error: {exc}") from exc
        result.raise_for_status()
        return result

    started_at, started = datetime.now(UTC), time.perf_counter()
    status: int | None = None
    error: str | None = None
    try:
        response = until_ready(attempt, awaiting=f"{request.method} {request.url}", timeout=timeout)
        status = response.status_code
        return response
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        raise
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:  # the run report shows the front-door requests each test sent
        record_http_request(
            str(request.method), str(request.url), status, started_at, time.perf_counter() - started, error
        )
