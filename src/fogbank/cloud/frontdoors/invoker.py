"""How a front door calls a function: the Lambda component's in-process Invoke plus the resource-policy check.

Example:
    >>> result = InvocationFailed("AccessDeniedException")
    >>> result.code
    'AccessDeniedException'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from fogbank.cloud.aws_state.lambda_policy import resource_policy
from fogbank.cloud.frontdoors.permissions import policy_allows

if TYPE_CHECKING:
    from fogbank.cloud.contracts import FunctionInvoker
    from fogbank.cloud.site import CloudSite

__all__ = ["CloudInvoker", "InvocationFailed", "Invoker"]


class InvocationFailed(Exception):
    """Lambda rejected the invocation (no permission, no function) or the function failed."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


class Invoker(Protocol):
    """What a front door needs: invoke a function with a payload, as `principal` from `source_arn`."""

    def __call__(
        self, function: str, payload: bytes, *, principal: str, source_arn: str | None, trace_header: str
    ) -> bytes: ...


class CloudInvoker:
    """Invoke through the Lambda component's in-process Invoke after checking the function's resource policy."""

    def __init__(self, site: CloudSite, lambda_: FunctionInvoker) -> None:
        self._site = site
        self._lambda = lambda_

    def allowed(
        self,
        function: str,
        principal: str,
        action: str,
        source_arn: str | None,
        context: dict[str, str] | None = None,
    ) -> bool:
        # read in-process (the same backend call as GetPolicy): a signed HTTP round trip per request cost a
        # third of a Function URL's throughput
        policy = resource_policy(function, account_id=self._site.account_id, region=self._site.region)
        arn = (
            function
            if function.startswith("arn:")
            else (f"arn:aws:lambda:{self._site.region}:{self._site.account_id}:function:{function}")
        )
        return policy_allows(policy, principal, action, source_arn, context, resource=arn)

    def __call__(
        self, function: str, payload: bytes, *, principal: str, source_arn: str | None, trace_header: str
    ) -> bytes:
        if principal != "iam" and not self.allowed(function, principal, "lambda:InvokeFunction", source_arn):
            raise InvocationFailed("AccessDeniedException", f"{principal} may not invoke {function}")
        try:
            result = self._lambda.invoke(function, payload, trace_header=trace_header)
        except Exception as exc:  # the Lambda API rejected the call (unknown function, throttled, ...)
            raise InvocationFailed(type(exc).__name__, str(exc)) from exc
        if result.function_error is not None or not 200 <= result.status < 300:
            raise InvocationFailed("FunctionError", result.payload.decode("utf-8", "replace"))
        return result.payload
