"""HTTP requests to front doors, retried while the endpoint is not reachable yet.

Example:
    >>> get_http_response(requests.Request("GET", url))  # doctest: +SKIP
"""

from __future__ import annotations

import requests

from fogbank.data_fetcher.retry import NotReady, until_ready

__all__ = ["get_http_response"]


def get_http_response(request: requests.Request, timeout: float | None = None) -> requests.Response:
    """Send `request`; retry connection errors and 5xx answers until the deadline, raise for other errors."""

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
        if result.status_code >= 500:
            raise NotReady(f"HTTP {result.status_code}: {result.text[:200]}")
        result.raise_for_status()
        return result

    return until_ready(attempt, awaiting=f"{request.method} {request.url}", timeout=timeout)
