"""AWS::Lambda::EventSourceMapping: SQS queues, Kinesis streams and DynamoDB streams polled for a function.

The mapping is made through the Lambda API (CreateEventSourceMapping), so what that API checks holds here as on
AWS: a function whose execution role may not read the source fails the resource with AWS's own message. Ref is
the mapping's UUID; GetAtt Id (the UUID) and EventSourceMappingArn, as the resource schema declares.

FilterCriteria is applied to SQS sources as Lambda's event filtering does (`aws_state/sqs_filters.py`; the
Lambda API refuses it on a stream, and refuses rules it cannot apply, naming them).
What the local poller does not apply is refused, never stored and ignored: the stream-only error handling
(BisectBatchOnFunctionError, MaximumRetryAttempts, DestinationConfig, ...) is not among the supported
properties (the engine names them); a batching window is applied to standard SQS queues only, and refused on a
stream or a FIFO queue (the poller hands each record over as it arrives), and so is `FunctionResponseTypes` on a
stream (only the SQS poller honours
ReportBatchItemFailures here). ScalingConfig's MaximumConcurrency is recorded, not enforced (a queue's
batches rarely overlap here; see docs/local-cloud.md).

Example:
    >>> source_kind("arn:aws:sqs:us-east-1:123456789012:orders"), default_batch_size("arn:aws:kinesis:x:1:stream/s")
    ('sqs', 100)
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.cloud.cloudformation.providers.base import (
    NeedsReplacement,
    ProviderRequest,
    ProviderResult,
    ResourceProvider,
)
from fogbank.cloud.cloudformation.providers.common import as_int, ignore_missing
from fogbank.errors import DeployError

__all__ = ["PROVIDERS", "EventSourceMappingProvider", "default_batch_size", "source_kind"]

# Properties changed only by replacing the mapping (the schema's createOnlyProperties).
_CREATE_ONLY = ("EventSourceArn", "StartingPosition")


def source_kind(event_source_arn: str) -> str:
    """The polled service of an event source ARN: `sqs`, `kinesis` or `dynamodb` (anything else as named)."""
    parts = str(event_source_arn).split(":")
    return parts[2] if len(parts) > 5 else ""


def default_batch_size(event_source_arn: str) -> int:
    """Lambda's default BatchSize: 10 for SQS, 100 for Kinesis and DynamoDB streams."""
    return 10 if source_kind(event_source_arn) == "sqs" else 100


def _enabled(value: Any) -> bool:
    return str(value).lower() != "false"


class EventSourceMappingProvider(ResourceProvider):
    """AWS::Lambda::EventSourceMapping; Ref is the mapping's UUID, GetAtt Id and EventSourceMappingArn."""

    resource_type = "AWS::Lambda::EventSourceMapping"
    properties = frozenset(
        {
            "EventSourceArn",
            "FunctionName",
            "BatchSize",
            "Enabled",
            "FilterCriteria",
            "FunctionResponseTypes",
            "MaximumBatchingWindowInSeconds",
            "ScalingConfig",
            "StartingPosition",
        }
    )

    def _check(self, request: ProviderRequest) -> str:
        props = request.properties
        source = str(props.get("EventSourceArn") or "")
        kind = source_kind(source)
        if kind not in ("sqs", "kinesis", "dynamodb"):
            raise DeployError(
                f"{request.logical_id}: EventSourceArn {source!r} is not an SQS queue, Kinesis stream or DynamoDB "
                "stream, the event sources the local cloud polls (Kafka, MQ and DocumentDB are not supported); "
                "test this mapping against AWS"
            )
        if kind != "sqs" and props.get("FunctionResponseTypes"):
            raise DeployError(
                f"{request.logical_id}: FunctionResponseTypes on a {kind} stream is not applied by the local cloud "
                "(its stream poller does not read batchItemFailures); remove it, or test this mapping against AWS"
            )
        if as_int(props.get("MaximumBatchingWindowInSeconds") or 0) > 0 and (
            kind != "sqs" or source.endswith(".fifo")
        ):
            where = "a FIFO queue" if kind == "sqs" else f"a {kind} stream"
            raise DeployError(
                f"{request.logical_id}: MaximumBatchingWindowInSeconds "
                f"{props['MaximumBatchingWindowInSeconds']} on {where} is not applied by the local cloud (its "
                "poller hands each record over as soon as it arrives, so batches would be smaller than on AWS); "
                "leave it at 0 (CDK: no max_batching_window), or test this mapping against AWS"
            )
        if kind != "sqs" and not props.get("StartingPosition"):
            raise DeployError(
                f"{request.logical_id}: StartingPosition is required for a {kind} stream event source "
                "(TRIM_HORIZON or LATEST), as on AWS"
            )
        return kind

    def _settings(self, props: dict[str, Any]) -> dict[str, Any]:
        """What CreateEventSourceMapping and UpdateEventSourceMapping take, from the resource's properties."""
        call: dict[str, Any] = {"FunctionName": str(props["FunctionName"])}
        if "BatchSize" in props:
            call["BatchSize"] = as_int(props["BatchSize"])
        if "Enabled" in props:
            call["Enabled"] = _enabled(props["Enabled"])
        if "MaximumBatchingWindowInSeconds" in props:
            call["MaximumBatchingWindowInSeconds"] = as_int(props["MaximumBatchingWindowInSeconds"])
        if props.get("FunctionResponseTypes"):
            call["FunctionResponseTypes"] = [str(kind) for kind in props["FunctionResponseTypes"]]
        if props.get("FilterCriteria"):
            filters = props["FilterCriteria"].get("Filters") or []
            call["FilterCriteria"] = {
                "Filters": [
                    {"Pattern": f["Pattern"] if isinstance(f["Pattern"], str) else json.dumps(f["Pattern"])}
                    for f in filters
                ]
            }
        if props.get("ScalingConfig"):
            scaling = props["ScalingConfig"]
            call["ScalingConfig"] = {key: as_int(value) for key, value in scaling.items()}
        return call

    def create(self, request: ProviderRequest) -> ProviderResult:
        kind = self._check(request)
        props = request.properties
        call = self._settings(props)
        call["EventSourceArn"] = str(props["EventSourceArn"])
        if kind != "sqs":
            call["StartingPosition"] = str(props["StartingPosition"])
        answer = request.client("lambda").create_event_source_mapping(**call)
        return self._result(answer)

    def _result(self, answer: dict[str, Any]) -> ProviderResult:
        uuid = str(answer["UUID"])
        return ProviderResult(
            physical_id=uuid,
            attributes={"Id": uuid, "EventSourceMappingArn": str(answer["EventSourceMappingArn"])},
        )

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        for key in _CREATE_ONLY:
            if request.properties.get(key) != previous_properties.get(key):
                raise NeedsReplacement(key)
        self._check(request)
        call = self._settings(request.properties)
        source = str(request.properties["EventSourceArn"])
        # a property the template no longer sets returns to Lambda's default, as CloudFormation does
        call.setdefault("BatchSize", default_batch_size(source))
        call.setdefault("Enabled", True)
        call.setdefault("MaximumBatchingWindowInSeconds", 0)
        call.setdefault("FunctionResponseTypes", [])
        if previous_properties.get("FilterCriteria") and "FilterCriteria" not in call:
            call["FilterCriteria"] = {}
        if previous_properties.get("ScalingConfig") and "ScalingConfig" not in call:
            call["ScalingConfig"] = {}
        answer = request.client("lambda").update_event_source_mapping(UUID=current.physical_id, **call)
        return self._result(answer)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.client("lambda").delete_event_source_mapping(UUID=current.physical_id)


PROVIDERS: list[type[ResourceProvider]] = [EventSourceMappingProvider]
