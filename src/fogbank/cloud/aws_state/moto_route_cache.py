"""Remember which URL rule of a REST service's model a (path, method) matches.

moto finds the operation of a REST request (Lambda, S3, API Gateway, ...) with `RestRouter._match`: it binds
the service model's werkzeug `Map` to the request's host, matches the path and method against every rule
(werkzeug also works out whether a strict-slash redirect applies), turns the matched arguments into URI
parameters, then lets the rule pick the operation by the request's query string and headers. moto does this
at least once per request.

The rules are made once from the service model, and the map matches on the path and method alone (no host
matching, no subdomain rules: `_create_map`), so a successful match is a function of (path, method):
`match` remembers the rule and URI parameters per router and (path, method), and still lets the rule pick
the operation from this request's query string and headers. A path that does not match (NotFound,
MethodNotAllowed, a redirect) is matched by moto every time, as before.

Installed by `install()` only on the moto version it was written against (`server_app.MOTO_VERSION`);
`tests/unit/cloud/aws_state/test_moto_route_cache.py` pins the code it stands in for.

Example:
    >>> install()
    >>> from moto.core.routing import RestRouter
    >>> RestRouter._match is match
    True
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from fogbank.cloud.aws_state.server_app import MOTO_VERSION

__all__ = ["install", "match", "stood_in_for"]

_KEPT = 4096  # remembered (path, method) matches per router; forgotten all at once past that
_original: Callable[[Any, Any], tuple[Any, dict[str, Any]]] | None = None
_lock = threading.Lock()


def match(router: Any, request: Any) -> tuple[Any, dict[str, Any]]:
    """moto's `RestRouter._match(request)`: (the operation, its URI parameters)."""
    from moto.core.routing import _get_path_info_for_matching

    assert _original is not None
    path_info = _get_path_info_for_matching(router._get_path(request))
    key = (path_info, request.method)
    matches: dict[tuple[str, str], tuple[Any, dict[str, Any]]] | None = router.__dict__.get(
        "_fogbank_matches"
    )
    found = matches.get(key) if matches is not None else None
    if found is None:
        found = _match_once(router, request, path_info)
        with _lock:
            if matches is None:
                matches = router.__dict__.setdefault("_fogbank_matches", {})
            if len(matches) >= _KEPT:
                matches.clear()
            matches[key] = found
    rule, uri_params = found
    return rule.match_request(request), dict(uri_params)  # a copy: moto adds host labels to it


def _match_once(router: Any, request: Any, path_info: str) -> tuple[Any, dict[str, Any]]:
    """The rule and URI parameters moto's `_match` finds (its exceptions propagate, and are not remembered)."""
    from moto.core.routing import SmithyRule, _match_path, to_uri_params
    from werkzeug.exceptions import MethodNotAllowed, NotFound

    matcher = router._map.bind(request.host)
    try:
        rule, arguments = _match_path(matcher, path_info, request.method)
    except MethodNotAllowed as e:
        raise NotFound() from e
    assert isinstance(rule, SmithyRule)
    return rule, to_uri_params(arguments)


def install() -> None:
    """Make moto's `RestRouter._match` remember its matches (idempotent; only on moto `MOTO_VERSION`)."""
    global _original
    import moto
    from moto.core.routing import RestRouter

    if _original is not None or moto.__version__ != MOTO_VERSION:
        return
    _original = RestRouter._match
    RestRouter._match = match  # type: ignore[method-assign,assignment]


def stood_in_for() -> list[Any]:
    """The code `match` stands in for, and what its answer depends on (tests pin their source)."""
    from moto.core import routing

    return [
        routing.RestRouter._match if _original is None else _original,
        routing.RestRouter.__init__,
        routing._create_map,
        routing._match_path,
        routing._get_path_info_for_matching,
        routing.to_uri_params,
        routing.SmithyRule.__init__,
    ]
