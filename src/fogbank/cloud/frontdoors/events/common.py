"""What the front doors' events share: body encoding, request times and ids, the integration-failure signal.

Example:
    >>> is_text_body("application/json; charset=utf-8", None)
    True
    >>> encode_body(b"\\x89PNG", "image/png")
    ('iVBORw==', True)
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = [
    "InvalidIntegrationResponse",
    "RequestStamp",
    "decode_response_body",
    "encode_body",
    "is_text_body",
    "parse_json",
    "parse_object",
]

_TEXT_TYPES = (
    "application/json",
    "application/javascript",
    "application/xml",
    "application/yaml",
    "application/x-yaml",
    "application/x-www-form-urlencoded",
)


class InvalidIntegrationResponse(Exception):
    """The function's answer does not fit the front door's response format (AWS answers 502 or 500)."""


def parse_json(payload: bytes) -> Any:
    """A function's answer as JSON; InvalidIntegrationResponse when it is not JSON."""
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise InvalidIntegrationResponse(f"the response is not JSON: {exc}") from exc


def parse_object(payload: bytes) -> dict[str, Any]:
    """A function's answer as a JSON object; InvalidIntegrationResponse when it is not JSON, or not an object.

    >>> parse_object(b'{"statusCode": 200}')
    {'statusCode': 200}
    """
    answer = parse_json(payload)
    if not isinstance(answer, dict):
        raise InvalidIntegrationResponse(f"the response must be an object, got {type(answer).__name__}")
    return answer


def is_text_body(content_type: str | None, content_encoding: str | None) -> bool:
    """Whether a request body is passed as text (else base64, with isBase64Encoded true)."""
    if content_encoding and content_encoding.strip().lower() not in ("", "identity"):
        return False
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in _TEXT_TYPES or media.endswith(("+json", "+xml"))


def encode_body(
    body: bytes, content_type: str | None, content_encoding: str | None = None
) -> tuple[str, bool]:
    """(body as the event carries it, isBase64Encoded)."""
    if not body:
        return "", False
    if is_text_body(content_type, content_encoding):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def decode_response_body(body: Any, is_base64: Any) -> bytes:
    """The bytes of a function's `body`, decoding base64 when `isBase64Encoded` is true."""
    if body is None:
        return b""
    if not isinstance(body, str):
        raise InvalidIntegrationResponse(f"body must be a string, got {type(body).__name__}")
    if is_base64 is True:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidIntegrationResponse(
                f"isBase64Encoded is true but body is not base64: {exc}"
            ) from exc
    if is_base64 not in (None, False):
        raise InvalidIntegrationResponse(f"isBase64Encoded must be a boolean, got {is_base64!r}")
    return body.encode("utf-8")


@dataclass(frozen=True)
class RequestStamp:
    """The time and ids of one request, in the formats the events use."""

    epoch_ms: int
    request_id: str
    short_request_id: str
    trace_id: str

    @classmethod
    def now(cls) -> RequestStamp:
        epoch = time.time()
        trace = f"Root=1-{int(epoch):08x}-{secrets.token_hex(12)}"
        short = base64.b64encode(secrets.token_bytes(10)).decode("ascii")[:14] + "="
        return cls(int(epoch * 1000), str(uuid.uuid4()), short, trace)

    @property
    def clf_time(self) -> str:
        """`12/Mar/2020:19:03:58 +0000` (requestTime / time)."""
        return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(self.epoch_ms / 1000))


def status_code(value: Any) -> int:
    """A valid HTTP status from a function's `statusCode` (an int, or a string of digits)."""
    if isinstance(value, bool):
        raise InvalidIntegrationResponse(f"statusCode must be an integer, got {value!r}")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or not 100 <= value <= 599:
        raise InvalidIntegrationResponse(f"statusCode must be an integer from 100 to 599, got {value!r}")
    return value


def string_map(value: Any, field_name: str) -> dict[str, str]:
    """A `headers`-like map whose values are scalars, as strings."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidIntegrationResponse(f"{field_name} must be an object, got {type(value).__name__}")
    result: dict[str, str] = {}
    for key, item in value.items():
        if isinstance(item, (dict, list)):
            raise InvalidIntegrationResponse(
                f"{field_name}.{key} must be a string, got {type(item).__name__}"
            )
        result[str(key)] = _scalar(item)
    return result


def list_map(value: Any, field_name: str) -> dict[str, list[str]]:
    """A `multiValueHeaders`-like map of lists of scalars."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidIntegrationResponse(f"{field_name} must be an object, got {type(value).__name__}")
    result: dict[str, list[str]] = {}
    for key, items in value.items():
        if not isinstance(items, list):
            raise InvalidIntegrationResponse(f"{field_name}.{key} must be a list, got {type(items).__name__}")
        result[str(key)] = [_scalar(item) for item in items]
    return result


def _scalar(item: Any) -> str:
    if item is None:
        return ""
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)
