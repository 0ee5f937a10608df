"""An Application Load Balancer listener: rules (path-pattern, host-header), forward and fixed-response.

Example:
    >>> listener = AlbListener(arn="l1", port=80, default_actions=[FixedResponse(404, "text/plain", "nope")])
    >>> door = AlbDoor(listener, target_groups={}, invoke=None)  # no Lambda target: invoke is never called
    >>> response = door.handle(HttpRequest("GET", "/missing", "", [("Host", "lb.local")], b""))
    >>> response.status, response.body
    (404, b'nope')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from fogbank.cloud.frontdoors.events.alb import alb_bad_gateway, alb_response, build_alb_event
from fogbank.cloud.frontdoors.events.common import InvalidIntegrationResponse, RequestStamp
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse
from fogbank.cloud.frontdoors.invoker import InvocationFailed, Invoker

__all__ = ["AlbDoor", "AlbListener", "AlbRule", "FixedResponse", "Forward", "LambdaTargetGroup"]

ALB_PRINCIPAL = "elasticloadbalancing.amazonaws.com"


@dataclass(frozen=True)
class Forward:
    target_group_arn: str


@dataclass(frozen=True)
class FixedResponse:
    status: int
    content_type: str | None = None
    body: str = ""


Action = Forward | FixedResponse


@dataclass(frozen=True)
class AlbRule:
    """A listener rule: every condition must match; values within a condition are alternatives."""

    priority: int
    actions: list[Action]
    path_patterns: tuple[str, ...] = ()
    host_patterns: tuple[str, ...] = ()

    arn: str = ""

    def matches(self, request: HttpRequest) -> bool:
        if self.path_patterns and not any(
            _wildcard(pattern, False).fullmatch(request.raw_path) for pattern in self.path_patterns
        ):
            return False
        return not self.host_patterns or any(
            _wildcard(pattern, True).fullmatch(request.host) for pattern in self.host_patterns
        )


@functools.lru_cache(maxsize=1024)
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """ALB's pattern language: `*` any characters, `?` one character, everything else literal.

    >>> bool(_wildcard("/a[1]/*", False).fullmatch("/a[1]/x"))
    True
    >>> bool(_wildcard("/a[1]/*", False).fullmatch("/a1/x"))
    False
    """
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


@dataclass
class AlbListener:
    arn: str
    port: int
    default_actions: list[Action]
    rules: list[AlbRule] = field(default_factory=list)

    def actions_for(self, request: HttpRequest) -> list[Action]:
        for rule in sorted(self.rules, key=lambda r: r.priority):
            if rule.matches(request):
                return rule.actions
        return self.default_actions


@dataclass
class LambdaTargetGroup:
    arn: str
    function_arn: str | None = None
    multi_value_headers: bool = False


class AlbDoor:
    """Serve one listener: pick the actions, then answer fixed responses or invoke the lambda target."""

    def __init__(
        self, listener: AlbListener, target_groups: dict[str, LambdaTargetGroup], invoke: Invoker
    ) -> None:
        self.listener = listener
        self._target_groups = target_groups
        self._invoke = invoke

    def handle(self, request: HttpRequest) -> HttpResponse:
        action = self.listener.actions_for(request)[
            -1
        ]  # authenticate-* actions would come first; not supported
        if isinstance(action, FixedResponse):
            headers = [("Content-Type", action.content_type)] if action.content_type else []
            return HttpResponse(action.status, [*headers, ("Server", "awselb/2.0")], action.body.encode())
        group = self._target_groups.get(action.target_group_arn)
        if group is None or group.function_arn is None:
            return _service_unavailable()
        stamp = RequestStamp.now()
        event = build_alb_event(
            request, group.arn, multi_value=group.multi_value_headers, trace_id=stamp.trace_id
        )
        try:
            import json

            payload = self._invoke(
                group.function_arn,
                json.dumps(event).encode(),
                principal=ALB_PRINCIPAL,
                source_arn=group.arn,
                trace_header=stamp.trace_id,
            )
            return alb_response(payload, multi_value=group.multi_value_headers)
        except (InvocationFailed, InvalidIntegrationResponse):
            return alb_bad_gateway()


def _service_unavailable() -> HttpResponse:
    body = (
        b"<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
        b"<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"
    )
    return HttpResponse(503, [("Content-Type", "text/html"), ("Server", "awselb/2.0")], body)
