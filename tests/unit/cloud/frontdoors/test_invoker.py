"""How a front door may call a function: the resource-policy check on moto's Lambda state, before any invoke.

Invocations themselves run in worker processes (tests/integration/frontdoors/test_doors_permissions.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.frontdoors.invoker import CloudInvoker, InvocationFailed
from fogbank.cloud.site import CloudSite

from ..conftest import ACCOUNT, Clients, lambda_role, zip_of

API = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:abc123"


class _NoInvoke:
    """The Lambda component: never reached when the policy refuses (reaching it fails the test)."""

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a refused caller reached Invoke")


@pytest.fixture
def invoker(tmp_path: Path, aws: Clients) -> CloudInvoker:
    client = aws("lambda")
    client.create_function(
        FunctionName="orders",
        Runtime="python3.11",
        Role=lambda_role(aws),
        Handler="a.h",
        Code={"ZipFile": zip_of({"a.py": ""})},
    )
    client.add_permission(
        FunctionName="orders",
        StatementId="api",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"{API}/*/GET/orders",
    )
    return CloudInvoker(CloudSite("http://127.0.0.1:9", tmp_path), _NoInvoke())  # type: ignore[arg-type]


def test_the_functions_policy_decides_by_principal_and_source(invoker: CloudInvoker) -> None:
    # WHEN API Gateway asks for the allowed route, another route, and another service asks
    # THEN only the permitted principal from the permitted source may invoke, by name or by ARN
    assert invoker.allowed(
        "orders", "apigateway.amazonaws.com", "lambda:InvokeFunction", f"{API}/prod/GET/orders"
    )
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
    assert invoker.allowed(arn, "apigateway.amazonaws.com", "lambda:InvokeFunction", f"{API}/prod/GET/orders")
    assert not invoker.allowed(
        "orders", "apigateway.amazonaws.com", "lambda:InvokeFunction", f"{API}/prod/POST/orders"
    )
    assert not invoker.allowed("orders", "elasticloadbalancing.amazonaws.com", "lambda:InvokeFunction", None)
    assert not invoker.allowed(
        "ghost", "apigateway.amazonaws.com", "lambda:InvokeFunction", f"{API}/prod/GET/orders"
    )


def test_a_refused_caller_gets_access_denied_before_any_invoke(invoker: CloudInvoker) -> None:
    # WHEN a front door the policy does not allow calls the function
    with pytest.raises(InvocationFailed) as raised:
        invoker(
            "orders", b"{}", principal="elasticloadbalancing.amazonaws.com", source_arn=None, trace_header=""
        )
    # THEN it fails as Lambda refuses it, naming who may not invoke what, and Invoke is never reached
    assert raised.value.code == "AccessDeniedException"
    assert "elasticloadbalancing.amazonaws.com may not invoke orders" in str(raised.value)
