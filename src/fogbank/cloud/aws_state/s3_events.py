"""S3's events to EventBridge in moto (pinned 5.2.5), as AWS sends them.

For a bucket with an EventBridgeConfiguration, moto's `_send_event_bridge_message` sent each event to the rules
of every bus (AWS sends to the account's default bus only), with one fixed id for every event (AWS: a UUID per
event; Powertools' idempotency keys on it), `eTag` for AWS's `etag`, the event type (`ObjectCreated`) for AWS's
API `reason` (`PutObject`), and `version-id` null on unversioned buckets. Its PutObject, CopyObject and
CompleteMultipartUpload also call its own `put_object_tagging`, so every upload sent an extra "Object Tags Added"
(to EventBridge and to Lambda, SQS and SNS notifications of `s3:ObjectTagging:*`). `install` replaces the
EventBridge sender (`send_to_default_bus`) and lets a tagging event through only from the PutObjectTagging API.
Left as moto has them: `request-id`, `source-ip-address` (127.0.0.1) and `requester` (the account) are not the
request's; no event for a delete marker, a lifecycle action or a restore's completion.
`tests/unit/cloud/aws_state/test_s3_events.py` pins the moto code this stands in for.

Example:
    >>> s3_detail_reason("s3:ObjectCreated:Put"), s3_detail_reason("s3:ObjectRemoved:Delete")
    ('PutObject', 'DeleteObject')
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import secrets
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["install", "s3_detail_reason", "send_to_default_bus", "stood_in_for"]

_REASONS = {
    "s3:ObjectCreated:Put": "PutObject",
    "s3:ObjectCreated:Post": "POST Object",
    "s3:ObjectCreated:Copy": "CopyObject",
    "s3:ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
    "s3:ObjectRemoved:Delete": "DeleteObject",
    "s3:ObjectRemoved:DeleteMarkerCreated": "DeleteObject",
}
_TAGGING_PUT = "s3:ObjectTagging:Put"
_log = logging.getLogger("fogbank.cloud.events")
_installed: dict[str, Any] = {}
_lock = threading.Lock()
_api_tagging = threading.local()  # set while moto answers a PutObjectTagging request
_sequence = itertools.count(time.time_ns())


def s3_detail_reason(event_name: str) -> str | None:
    """The `reason` AWS puts in an Object Created / Object Deleted event's detail (the API that caused it)."""
    return _REASONS.get(_name(event_name))


def _request_id() -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))


def _name(event_name: Any) -> str:
    """`s3:ObjectCreated:Put` for moto's S3NotificationEvent member (a str Enum) or the text itself."""
    return str(getattr(event_name, "value", event_name))


def _detail(account_id: str, bucket: Any, event_name: str, key: Any) -> dict[str, Any]:
    name = _name(event_name)
    versioned = str(getattr(key, "version_id", "null")) not in ("null", "None")
    item: dict[str, Any] = {"key": key.name}
    if "ObjectRemoved" not in name:
        if "ObjectCreated" in name:
            item["size"] = key.size
        item["etag"] = key.etag.replace('"', "")
    if versioned:
        item["version-id"] = str(key.version_id)
    if "ObjectCreated" in name or "ObjectRemoved" in name:
        item["sequencer"] = f"{next(_sequence):018X}"
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": bucket.name},
        "object": item,
        "request-id": _request_id(),
        "requester": account_id,
        "source-ip-address": "127.0.0.1",
    }
    reason = s3_detail_reason(name)
    if reason is not None:
        detail["reason"] = reason
    if "ObjectRemoved" in name:
        detail["deletion-type"] = "Delete Marker Created" if "DeleteMarker" in name else "Permanently Deleted"
    return detail


def send_to_default_bus(account_id: str, bucket: Any, event_name: str, key: Any) -> None:
    """Send S3's event for `key` to the rules of the default bus of the bucket's account and region, with an id
    of its own. Never raises (S3 sends asynchronously; its request has succeeded)."""
    from moto.events.models import events_backends
    from moto.s3.notifications import _detail_type

    try:
        bus = events_backends[account_id][bucket.region_name].event_buses.get("default")
        if bus is None:
            return
        now = time.time()
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": _detail_type(event_name),
            "source": "aws.s3",
            "account": account_id,
            "time": now,
            "region": bucket.region_name,
            "resources": [bucket.arn],
            "detail": _detail(account_id, bucket, event_name, key),
            "ingestion-time": now,
        }
        for rule in list(bus.rules.values()):
            rule.send_to_targets(event, transform_input=False)  # type: ignore[arg-type]
    except Exception:  # as moto's own sender: the S3 request stands whatever EventBridge does
        _log.exception("S3's event for bucket %s was not sent to EventBridge", bucket.name)


@contextlib.contextmanager
def _tagging_request() -> Iterator[None]:
    _api_tagging.active = True
    try:
        yield
    finally:
        _api_tagging.active = False


def _send_event(original: Callable[..., None]) -> Callable[..., None]:
    def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
        if _name(event_name) == _TAGGING_PUT and not getattr(_api_tagging, "active", False):
            return  # moto's PutObject / CopyObject / CompleteMultipartUpload tagging the new key: no event on AWS
        original(account_id, event_name, bucket, key)

    return send_event


def _put_object_tagging(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def put_object_tagging(self: Any) -> Any:
        with _tagging_request():
            return original(self)

    return put_object_tagging


def install() -> None:
    """Replace moto's S3 -> EventBridge sender and drop the tagging events AWS does not send. Idempotent."""
    from moto.s3 import notifications
    from moto.s3.responses import S3Response

    with _lock:
        if _installed:
            return
        _installed.update(
            sender=notifications._send_event_bridge_message,
            send_event=notifications.send_event,
            put_object_tagging=S3Response.put_object_tagging,
        )
        notifications._send_event_bridge_message = send_to_default_bus
        notifications.send_event = _send_event(_installed["send_event"])
        S3Response.put_object_tagging = _put_object_tagging(_installed["put_object_tagging"])  # type: ignore[method-assign,assignment]


def stood_in_for() -> list[Any]:
    """The moto code `install` replaces or wraps (tests pin its source)."""
    from moto.s3 import notifications
    from moto.s3.models import S3Backend
    from moto.s3.responses import S3Response

    return [
        _installed.get("sender", notifications._send_event_bridge_message),
        _installed.get("send_event", notifications.send_event),
        _installed.get("put_object_tagging", S3Response.put_object_tagging),
        S3Backend.put_object_tagging,
    ]
