"""The HTTP request and response a front door sees, independent of the listener that received it.

Example:
    >>> req = HttpRequest("GET", "/a%20b", "x=1&x=2", [("Host", "h"), ("X-A", "1"), ("x-a", "2")], b"")
    >>> req.header_values("x-a")
    ['1', '2']
    >>> HttpResponse.json({"message": "Not Found"}, 404).body
    b'{"message":"Not Found"}'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

__all__ = ["HttpRequest", "HttpResponse", "parse_query", "split_cookies"]


@dataclass(frozen=True)
class HttpRequest:
    """One request as received: the raw path (percent-encoded, no query), raw query and ordered headers."""

    method: str
    raw_path: str
    raw_query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str = "127.0.0.1"
    scheme: str = "http"
    port: int = 80

    def header(self, name: str) -> str | None:
        """The last value of a header, case-insensitively (what a single-value map keeps)."""
        values = self.header_values(name)
        return values[-1] if values else None

    def header_values(self, name: str) -> list[str]:
        lowered = name.lower()
        return [value for key, value in self.headers if key.lower() == lowered]

    @property
    def host(self) -> str:
        """The Host header without its port."""
        host = self.header("host") or ""
        return host.rsplit(":", 1)[0] if not host.endswith("]") else host

    @property
    def user_agent(self) -> str:
        return self.header("user-agent") or ""


@dataclass
class HttpResponse:
    """What a front door answers: status, ordered headers (repeats allowed) and body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def json(cls, obj: Any, status: int, extra_headers: list[tuple[str, str]] | None = None) -> HttpResponse:
        body = json.dumps(obj, separators=(",", ":")).encode()
        return cls(status, [("Content-Type", "application/json"), *(extra_headers or [])], body)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        values = [value for key, value in self.headers if key.lower() == lowered]
        return values[-1] if values else None


def parse_query(raw_query: str, *, decode: bool) -> list[tuple[str, str]]:
    """Query pairs in order; `decode=False` keeps them percent-encoded (what ALB passes on).

    >>> parse_query("a=1&b=x%20y&flag", decode=True)
    [('a', '1'), ('b', 'x y'), ('flag', '')]
    """
    pairs: list[tuple[str, str]] = []
    for part in raw_query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        if decode:
            key, value = unquote_plus(key), unquote_plus(value)
        pairs.append((key, value))
    return pairs


def split_cookies(cookie_headers: list[str]) -> list[str]:
    """Every `name=value` of every Cookie header, in order.

    >>> split_cookies(["a=1; b=2", "c=3"])
    ['a=1', 'b=2', 'c=3']
    """
    return [part.strip() for header in cookie_headers for part in header.split(";") if part.strip()]
