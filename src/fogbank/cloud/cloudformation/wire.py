"""The query protocol's wire format for CloudFormation: flattened form input and XML output.

Example:
    >>> members({"Parameters.member.1.ParameterKey": "A", "Parameters.member.1.ParameterValue": "b"}, "Parameters")
    [{'ParameterKey': 'A', 'ParameterValue': 'b'}]
    >>> to_xml({"StackId": "x"})
    '<StackId>x</StackId>'
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from fogbank.cloud.router import AwsResponse

__all__ = ["members", "response", "scalar_members", "to_xml"]

NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/"


def members(form: dict[str, str], name: str) -> list[dict[str, str]]:
    """`Name.member.N.Field=value` entries as a list of dicts, in N order."""
    pattern = re.compile(rf"^{re.escape(name)}\.member\.(\d+)\.(.+)$")
    found: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = pattern.match(key)
        if match:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return [found[index] for index in sorted(found)]


def scalar_members(form: dict[str, str], name: str) -> list[str]:
    """`Name.member.N=value` entries as a list, in N order."""
    pattern = re.compile(rf"^{re.escape(name)}\.member\.(\d+)$")
    found = {int(m.group(1)): value for key, value in form.items() if (m := pattern.match(key))}
    return [found[index] for index in sorted(found)]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return escape(str(value))


def to_xml(value: Any) -> str:
    """Dicts become elements, lists become `<member>` sequences, None is left out."""
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if item is None:
                continue
            parts.append(f"<{key}>{to_xml(item)}</{key}>")
        return "".join(parts)
    if isinstance(value, list):
        return "".join(f"<member>{to_xml(item)}</member>" for item in value)
    return _text(value)


def response(action: str, result: dict[str, Any] | None, request_id: str) -> AwsResponse:
    """`<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>...` as AWS sends it."""
    inner = f"<{action}Result>{to_xml(result)}</{action}Result>" if result is not None else ""
    return AwsResponse.xml(
        f'<{action}Response xmlns="{NAMESPACE}">{inner}'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
    )
