"""The console's doors: only this console's own pages may call it.

* the Host header must name the console itself (127.0.0.1:<port> or localhost:<port>), which defeats DNS
  rebinding;
* a request that says it comes from another origin (Origin, or Sec-Fetch-Site: cross-site / same-site) is
  refused;
* a request that changes something (POST: the test invoke) must prove it comes from a console page: its
  Origin is the console's, and its body is JSON (a cross-origin page cannot send that without a preflight,
  which the console never answers).

Example:
    >>> refusal(Request.from_values("/x", headers={"Host": "127.0.0.1:4580", "Origin": "http://evil.test"}), 4580)
    'requests from another origin (http://evil.test) are refused'
"""

from __future__ import annotations

from werkzeug.wrappers import Request

__all__ = ["refusal"]

_LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def refusal(request: Request, port: int) -> str | None:
    """Why `request` is refused, or None when it may be served."""
    allowed_hosts = {f"{name}:{port}" for name in _LOOPBACK_NAMES}
    host = request.headers.get("Host", "")
    if host not in allowed_hosts:
        return f"host {host!r} is not this console; open it at http://127.0.0.1:{port}/"
    origin = request.headers.get("Origin")
    allowed_origins = {f"http://{allowed}" for allowed in allowed_hosts}
    if origin is not None and origin not in allowed_origins:
        return f"requests from another origin ({origin}) are refused"
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        return "requests from another site are refused"
    if request.method not in ("GET", "HEAD"):
        if origin not in allowed_origins:
            return "a change needs the console's own Origin header; use the console's page"
        if request.mimetype != "application/json":
            return "a change must be sent as application/json from the console's page"
    return None
