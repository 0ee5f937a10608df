"""AWS::Kinesis::Stream, through the Kinesis API (moto's state), so `KinesisEventSource` stacks deploy.

Ref is the stream name, GetAtt Arn its ARN. ShardCount (provisioned, default 1) or StreamModeDetails
(ON_DEMAND), RetentionPeriodHours, StreamEncryption (recorded, as `kinesis.Stream` writes it by default) and
Tags are applied; shard count, retention, mode, encryption and tags change in place.

Example:
    >>> stream_arn("orders", "us-east-1", "123456789012")
    'arn:aws:kinesis:us-east-1:123456789012:stream/orders'
"""

from __future__ import annotations

from typing import Any

from fogbank.cloud.cloudformation.providers.base import (
    NeedsReplacement,
    ProviderRequest,
    ProviderResult,
    ResourceProvider,
)
from fogbank.cloud.cloudformation.providers.common import as_int, ignore_missing, tag_list_to_map

__all__ = ["PROVIDERS", "StreamProvider", "stream_arn"]

_DEFAULT_RETENTION_HOURS = 24


def stream_arn(name: str, region: str, account_id: str) -> str:
    """A Kinesis stream's ARN."""
    return f"arn:aws:kinesis:{region}:{account_id}:stream/{name}"


def _mode(props: dict[str, Any]) -> str:
    return str((props.get("StreamModeDetails") or {}).get("StreamMode") or "PROVISIONED")


class StreamProvider(ResourceProvider):
    """AWS::Kinesis::Stream; Ref is the stream name, GetAtt Arn."""

    resource_type = "AWS::Kinesis::Stream"
    properties = frozenset(
        {"Name", "ShardCount", "StreamModeDetails", "RetentionPeriodHours", "StreamEncryption", "Tags"}
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        name = str(props.get("Name") or request.physical_name(128))
        call: dict[str, Any] = {"StreamName": name, "StreamModeDetails": {"StreamMode": _mode(props)}}
        if _mode(props) == "PROVISIONED":
            call["ShardCount"] = as_int(props.get("ShardCount") or 1)
        kinesis = request.client("kinesis")
        kinesis.create_stream(**call)
        self._retention(kinesis, name, _DEFAULT_RETENTION_HOURS, props)
        self._encryption(kinesis, name, props)
        if props.get("Tags"):
            kinesis.add_tags_to_stream(StreamName=name, Tags=tag_list_to_map(props["Tags"]))
        arn = stream_arn(name, request.region, request.account_id)
        return ProviderResult(physical_id=name, attributes={"Arn": arn})

    @staticmethod
    def _retention(kinesis: Any, name: str, current: int, props: dict[str, Any]) -> None:
        wanted = as_int(props.get("RetentionPeriodHours") or _DEFAULT_RETENTION_HOURS)
        if wanted > current:
            kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=wanted)
        elif wanted < current:
            kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=wanted)

    @staticmethod
    def _encryption(kinesis: Any, name: str, props: dict[str, Any]) -> None:
        encryption = props.get("StreamEncryption")
        if encryption:
            kinesis.start_stream_encryption(
                StreamName=name,
                EncryptionType=str(encryption["EncryptionType"]),
                KeyId=str(encryption["KeyId"]),
            )

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        if props.get("Name") != previous_properties.get("Name"):
            raise NeedsReplacement("Name")
        kinesis = request.client("kinesis")
        name = current.physical_id
        if _mode(props) != _mode(previous_properties):
            kinesis.update_stream_mode(
                StreamARN=current.attributes["Arn"], StreamModeDetails={"StreamMode": _mode(props)}
            )
        if _mode(props) == "PROVISIONED" and props.get("ShardCount") != previous_properties.get("ShardCount"):
            kinesis.update_shard_count(
                StreamName=name,
                TargetShardCount=as_int(props.get("ShardCount") or 1),
                ScalingType="UNIFORM_SCALING",
            )
        previous_hours = as_int(previous_properties.get("RetentionPeriodHours") or _DEFAULT_RETENTION_HOURS)
        self._retention(kinesis, name, previous_hours, props)
        if props.get("StreamEncryption") != previous_properties.get("StreamEncryption"):
            if previous_properties.get("StreamEncryption") and not props.get("StreamEncryption"):
                old = previous_properties["StreamEncryption"]
                kinesis.stop_stream_encryption(
                    StreamName=name, EncryptionType=str(old["EncryptionType"]), KeyId=str(old["KeyId"])
                )
            self._encryption(kinesis, name, props)
        if props.get("Tags") != previous_properties.get("Tags"):
            old_keys = [tag["Key"] for tag in previous_properties.get("Tags") or []]
            if old_keys:
                kinesis.remove_tags_from_stream(StreamName=name, TagKeys=old_keys)
            if props.get("Tags"):
                kinesis.add_tags_to_stream(StreamName=name, Tags=tag_list_to_map(props["Tags"]))
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.client("kinesis").delete_stream(
                StreamName=current.physical_id, EnforceConsumerDeletion=True
            )


PROVIDERS: list[type[ResourceProvider]] = [StreamProvider]
