"""What Lambda's SQS poller hands a function, as AWS does, for moto's (5.2.5) SQS event source mappings.

moto invoked the function once per message with fixed attributes (SentTimestamp 1545082649183, one SenderId,
the md5 of "test", no message attributes) and ignored the function's answer beyond success or error.
`deliver_batch` sends the batch moto received as one event, each record with the message's own attributes
(ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp; for FIFO queues
SequenceNumber, MessageGroupId, MessageDeduplicationId), message attributes in Lambda's shape
(`stringValue`, `binaryValue` base64, `stringListValues`, `binaryListValues`, `dataType`), `md5OfBody` and
`md5OfMessageAttributes`. With `FunctionResponseTypes: ["ReportBatchItemFailures"]` the answer's
`batchItemFailures` decide: the listed messages return to the queue and the others are deleted; an answer
naming an unknown or empty `itemIdentifier` fails the whole batch, as on AWS. Messages the mapping's
FilterCriteria does not match are deleted before the invoke (`sqs_filters`), as Lambda does.

Example:
    >>> failed_ids({"batchItemFailures": [{"itemIdentifier": "m2"}]}, {"m1", "m2"})
    {'m2'}
    >>> failed_ids({"batchItemFailures": [{"itemIdentifier": "elsewhere"}]}, {"m1"}) is None
    True
"""

from __future__ import annotations

import base64
import json
from typing import Any

from fogbank.cloud.aws_state.sqs_filters import body_matches, compile_filters

__all__ = ["deliver_batch", "failed_ids", "sqs_event"]


def _attribute(value: dict[str, Any]) -> dict[str, Any]:
    binary = value.get("BinaryValue")
    if isinstance(binary, bytes):
        binary = base64.b64encode(binary).decode()
    shaped: dict[str, Any] = {
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": value.get("DataType"),
    }
    if value.get("StringValue") is not None:
        shaped["stringValue"] = value["StringValue"]
    if binary is not None:
        shaped["binaryValue"] = binary
    return shaped


def _record(message: Any, queue_arn: str, message_attributes: dict[str, Any]) -> dict[str, Any]:
    attributes = {
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": str(message.sender_id),
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
    }
    if queue_arn.endswith(".fifo"):
        attributes["SequenceNumber"] = str(message.sequence_number)
        attributes["MessageGroupId"] = str(message.group_id)
        attributes["MessageDeduplicationId"] = str(message.deduplication_id)
    record: dict[str, Any] = {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": {name: _attribute(value) for name, value in message_attributes.items()},
        "md5OfBody": message.body_md5,
    }
    if message_attributes:
        record["md5OfMessageAttributes"] = message.attribute_md5
    record.update(eventSource="aws:sqs", eventSourceARN=queue_arn, awsRegion=queue_arn.split(":")[3])
    return record


def sqs_event(messages: list[Any], queue_arn: str) -> dict[str, Any]:
    """The event of one batch of received moto messages (copies that moto stripped of their message
    attributes, as a ReceiveMessage without MessageAttributeNames gets them: the poller gets them all)."""
    kept = _attributes_in_queue(queue_arn, {message.id for message in messages})
    records = []
    for message in messages:
        attributes = kept.get(message.id, {})
        if attributes and not message.message_attributes:
            message.message_attributes = attributes  # a copy: md5OfMessageAttributes is computed from them
        records.append(_record(message, queue_arn, attributes))
    return {"Records": records}


def _attributes_in_queue(queue_arn: str, message_ids: set[str]) -> dict[str, dict[str, Any]]:
    from moto.sqs.models import sqs_backends

    _, _, _, region, account_id, name = queue_arn.split(":", 5)
    queue = sqs_backends[account_id][region].queues.get(name)
    originals = list(queue._messages) if queue is not None else []
    return {m.id: dict(m.message_attributes) for m in originals if m.id in message_ids}


def failed_ids(answer: Any, batch: set[str]) -> set[str] | None:
    """The message ids a ReportBatchItemFailures answer returns to the queue; None when the whole batch fails
    (an identifier that is empty or not in the batch). No answer, or no failures: an empty set."""
    if not isinstance(answer, dict) or not answer.get("batchItemFailures"):
        return set()
    failed: set[str] = set()
    for item in answer["batchItemFailures"]:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in batch:
            return None
        failed.add(str(identifier))
    return failed


def _mapping(backend: Any, function_arn: str, queue_arn: str) -> Any:
    for esm in list(backend._event_source_mappings.values()):
        if esm.function_arn == function_arn and esm.event_source_arn == queue_arn:
            return esm
    return None


def _reports_item_failures(backend: Any, function_arn: str, queue_arn: str) -> bool:
    esm = _mapping(backend, function_arn, queue_arn)
    return esm is not None and "ReportBatchItemFailures" in (esm.function_response_types or [])


def _drop_unmatched(backend: Any, function_arn: str, messages: list[Any], queue_arn: str) -> None:
    """Delete the messages the mapping's FilterCriteria does not match (as Lambda does); keep the others."""
    esm = _mapping(backend, function_arn, queue_arn)
    filters = compile_filters(esm.filter_criteria if esm is not None else None)
    unmatched = [message for message in messages if not body_matches(filters, str(message.body))]
    if not unmatched:
        return
    from moto.sqs.models import sqs_backends

    _, _, _, region, account_id, queue_name = queue_arn.split(":", 5)
    for message in unmatched:
        sqs_backends[account_id][region].delete_message(queue_name, message.receipt_handle)
    dropped = {message.id for message in unmatched}
    messages[:] = [message for message in messages if message.id not in dropped]


def deliver_batch(backend: Any, function_arn: str, messages: list[Any], queue_arn: str) -> bool:
    """Invoke the function once with `messages`; True when moto may delete them all, False when the ones
    left in `messages` return to the queue (the others, reported as processed, are deleted here)."""
    _drop_unmatched(backend, function_arn, messages, queue_arn)
    if not messages:
        return True
    response_headers: dict[str, Any] = {}
    payload = backend.invoke(
        function_name=function_arn,
        qualifier=None,
        body=json.dumps(sqs_event(messages, queue_arn)),
        headers={},
        response_headers=response_headers,
    )
    if "x-amz-function-error" in response_headers:
        return False
    if not _reports_item_failures(backend, function_arn, queue_arn):
        return True
    try:
        answer = json.loads(payload or b"null")
    except ValueError:
        answer = None
    failed = failed_ids(answer, {message.id for message in messages})
    if failed is None:
        return False
    if not failed:
        return True
    from moto.sqs.models import sqs_backends

    _, _, _, region, account_id, queue_name = queue_arn.split(":", 5)
    queues = sqs_backends[account_id][region]
    for message in [m for m in messages if m.id not in failed]:
        queues.delete_message(queue_name, message.receipt_handle)
    messages[:] = [m for m in messages if m.id in failed]  # moto makes these visible again
    return False
