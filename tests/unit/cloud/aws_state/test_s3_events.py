"""S3's events reach EventBridge as AWS sends them: the default bus only, one event per request, an id each."""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Iterator
from typing import Any

import pytest

from fogbank.cloud.aws_state import events as events_state
from fogbank.cloud.aws_state import s3_events
from fogbank.cloud.aws_state.events import MatchedRule

from ..conftest import Clients

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:fn"
# sha256 of the source of `stood_in_for()` in moto 5.2.5: a moto upgrade that changes it fails here first, and
# then send_to_default_bus and the tagging filter must be checked against the new code (and this digest renewed).
STOOD_IN_FOR_SHA256 = "4b1a398f5f249410ed997043f3271ca52e7a575f48d7cb3663fb889420a8cbc6"


@pytest.fixture
def delivered(aws: Clients) -> Iterator[list[tuple[MatchedRule, dict[str, Any]]]]:
    seen: list[tuple[MatchedRule, dict[str, Any]]] = []
    events_state.install(lambda rule, event: seen.append((rule, event)), lambda: None)
    s3_events.install()
    try:
        yield seen
    finally:
        events_state.uninstall()


def test_the_moto_code_stood_in_for_is_the_pinned_one() -> None:
    # GIVEN the moto code s3_events replaces or wraps
    sources = "".join(inspect.getsource(code) for code in s3_events.stood_in_for())
    # THEN it is exactly the code it was written against
    assert hashlib.sha256(sources.encode()).hexdigest() == STOOD_IN_FOR_SHA256


def test_s3_sends_one_event_per_request_to_the_default_bus_with_an_id_each(
    aws: Clients, delivered: list[tuple[MatchedRule, dict[str, Any]]]
) -> None:
    # GIVEN a bucket sending to EventBridge, and rules for aws.s3 on the default bus and on a custom bus
    s3, events = aws("s3"), aws("events")
    s3.create_bucket(Bucket="bkt")
    s3.put_bucket_notification_configuration(
        Bucket="bkt", NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    events.create_event_bus(Name="custom")
    for bus in ("default", "custom"):
        events.put_rule(Name=f"on-{bus}", EventBusName=bus, EventPattern=json.dumps({"source": ["aws.s3"]}))
        events.put_targets(Rule=f"on-{bus}", EventBusName=bus, Targets=[{"Id": "f", "Arn": FUNCTION}])
    # WHEN two objects are put (moto also tagged each new key), one is tagged through the API and one deleted
    s3.put_object(Bucket="bkt", Key="a.txt", Body=b"hello")
    s3.put_object(Bucket="bkt", Key="b.txt", Body=b"x", Tagging="k=v")
    s3.put_object_tagging(Bucket="bkt", Key="a.txt", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    s3.delete_object(Bucket="bkt", Key="b.txt")
    # THEN only the default bus's rule got them: one event per request, in order, each with its own id
    assert {rule.event_bus for rule, _ in delivered} == {"default"}
    kinds = [event["detail-type"] for _, event in delivered]
    assert kinds == ["Object Created", "Object Created", "Object Tags Added", "Object Deleted"]
    ids = [event["id"] for _, event in delivered]
    assert len(set(ids)) == 4 and "17793124-05d4-b198-2fde-7ededc63b103" not in ids
    # AND an Object Created carries AWS's detail: etag (not eTag), the API as reason, no version-id unversioned
    created = delivered[0][1]
    assert created["source"] == "aws.s3" and created["resources"] == ["arn:aws:s3:::bkt"]
    detail = created["detail"]
    assert detail["bucket"] == {"name": "bkt"} and detail["reason"] == "PutObject"
    assert detail["object"]["key"] == "a.txt" and detail["object"]["size"] == 5
    assert (
        detail["object"]["etag"] == "5d41402abc4b2a76b9719d911017c592"
        and "version-id" not in detail["object"]
    )
    assert delivered[0][1]["detail"]["object"]["sequencer"] < delivered[1][1]["detail"]["object"]["sequencer"]
    # AND the Object Deleted says how
    deleted = delivered[3][1]["detail"]
    assert (deleted["reason"], deleted["deletion-type"]) == ("DeleteObject", "Permanently Deleted")


def test_a_bucket_without_eventbridge_configuration_sends_nothing(
    aws: Clients, delivered: list[tuple[MatchedRule, dict[str, Any]]]
) -> None:
    # GIVEN a bucket without EventBridgeConfiguration and a rule for aws.s3 WHEN an object is put THEN no event
    aws("s3").create_bucket(Bucket="quiet")
    events = aws("events")
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["aws.s3"]}))
    events.put_targets(Rule="r", Targets=[{"Id": "f", "Arn": FUNCTION}])
    aws("s3").put_object(Bucket="quiet", Key="k", Body=b"x")
    assert delivered == []
