"""What a REST API deployment serves: its methods read back from the API Gateway state as the door's model.

Example:
    >>> mock_answer({"application/json": "{ statusCode: 200 }"},
    ...             [{"statusCode": "204", "responseParameters": {"method.response.header.X": "'y'"}}], "M")
    (204, '', (('X', 'y'),))
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.cloud.frontdoors.doors.rest_api import RestMethod, RestResource
from fogbank.errors import DeployError

__all__ = ["function_of_uri", "mock_answer", "snapshot"]

_LAMBDA_URI = re.compile(
    r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/(?P<function>.+)/invocations$"
)
_STATUS_IN_TEMPLATE = re.compile(r"""["']?statusCode["']?\s*:\s*(\d{3})""")
_HEADER_PARAMETER = "method.response.header."


def function_of_uri(uri: str, owner: str = "the method") -> str:
    """The Lambda function ARN of an AWS_PROXY integration URI."""
    match = _LAMBDA_URI.match(uri)
    if match is None:
        raise DeployError(
            f"{owner}: AWS_PROXY integration URI {uri!r} does not invoke a Lambda function "
            "(arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>/invocations); "
            "other AWS service integrations are not served by the local cloud"
        )
    return match.group("function")


def mock_answer(
    request_templates: dict[str, str], integration_responses: list[dict[str, Any]], owner: str
) -> tuple[int, str, tuple[tuple[str, str], ...]]:
    """Status, body and headers of a MOCK integration: the request template's statusCode selects the response.

    Only static mapping templates and quoted literal response parameters are served; anything else (VTL)
    fails, naming the method.
    """
    template = request_templates.get("application/json") or next(iter(request_templates.values()), "")
    found = _STATUS_IN_TEMPLATE.search(template or "")
    status = found.group(1) if found else "200"
    chosen = next(
        (
            r
            for r in integration_responses
            if r.get("selectionPattern") and re.fullmatch(r["selectionPattern"], status)
        ),
        None,
    ) or next((r for r in integration_responses if not r.get("selectionPattern")), None)
    if chosen is None:
        return int(status), "", ()
    templates = chosen.get("responseTemplates") or {}
    body = templates.get("application/json") or next(iter(templates.values()), "") or ""
    if "$" in body or "#" in body:
        raise DeployError(
            f"{owner}: the MOCK response template uses VTL, which the local cloud does not evaluate; use a static "
            "template, or deploy this stack to AWS"
        )
    headers = []
    for key, value in (chosen.get("responseParameters") or {}).items():
        text = str(value)
        if not key.startswith(_HEADER_PARAMETER) or len(text) < 2 or not (text[0] == text[-1] == "'"):
            raise DeployError(
                f"{owner}: response parameter {key} = {text} is not a quoted literal header; the local cloud "
                "serves only 'literal' header values from MOCK integrations"
            )
        headers.append((key[len(_HEADER_PARAMETER) :], text[1:-1]))
    return int(chosen["statusCode"]), body, tuple(headers)


def _method(http_method: str, stored: dict[str, Any], where: str) -> RestMethod:
    integration = stored.get("methodIntegration")
    if not integration:
        raise DeployError(
            f"No integration defined for method {http_method} {where}; add an Integration to it"
        )
    common = {
        "authorization": stored.get("authorizationType", "NONE"),
        "api_key_required": bool(stored.get("apiKeyRequired")),
    }
    if integration.get("type") == "MOCK":
        responses = list((integration.get("integrationResponses") or {}).values())
        status, body, headers = mock_answer(integration.get("requestTemplates") or {}, responses, where)
        return RestMethod(
            http_method,
            integration="MOCK",
            mock_status=status,
            mock_body=body,
            mock_headers=headers,
            **common,
        )
    function = function_of_uri(str(integration.get("uri", "")), f"{http_method} {where}")
    return RestMethod(http_method, integration="AWS_PROXY", function_arn=function, **common)


def snapshot(client: Any, api_id: str) -> list[RestResource]:
    """The API's resources and methods as they are now (what a deployment freezes)."""
    items: list[dict[str, Any]] = []
    position: str | None = None
    while True:
        page = client.get_resources(
            restApiId=api_id, limit=500, **({"position": position} if position else {})
        )
        items.extend(page.get("items") or [])
        position = page.get("position")
        if not position:
            break
    tree = []
    for item in items:
        methods = {}
        for http_method in item.get("resourceMethods") or {}:
            stored = client.get_method(restApiId=api_id, resourceId=item["id"], httpMethod=http_method)
            methods[http_method] = _method(http_method, stored, f"{item['path']} of REST API {api_id}")
        tree.append(RestResource(item["path"], item["id"], methods))
    return tree
