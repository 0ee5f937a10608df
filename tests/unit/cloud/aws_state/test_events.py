"""moto's EventBridge with fogbank's hooks: Lambda targets reach the hook in AWS's envelope, moto keeps the rest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from fogbank.cloud.aws_state import events as events_state
from fogbank.cloud.aws_state.events import MatchedRule

from ..conftest import Clients

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:fn"


@pytest.fixture
def delivered(aws: Clients) -> Iterator[list[tuple[MatchedRule, dict[str, Any]]]]:
    seen: list[tuple[MatchedRule, dict[str, Any]]] = []
    changes: list[int] = []
    events_state.install(lambda rule, event: seen.append((rule, event)), lambda: changes.append(1))
    try:
        yield seen
    finally:
        events_state.uninstall()


def _put(aws: Clients, **entry: Any) -> None:
    answer = aws("events").put_events(
        Entries=[{"Source": "shop", "DetailType": "Order Placed", "Detail": json.dumps({"id": 7}), **entry}]
    )
    assert answer["FailedEntryCount"] == 0


def test_an_event_matching_a_rule_reaches_the_hook_in_eventbridges_envelope(
    aws: Clients, delivered: list[tuple[MatchedRule, dict[str, Any]]]
) -> None:
    # GIVEN a rule with a Lambda, an SQS and an event-bus target, and on that bus a rule with a Lambda target
    events = aws("events")
    events.create_event_bus(Name="other")
    arn = events.put_rule(Name="r", EventPattern=json.dumps({"source": ["shop"]}))["RuleArn"]
    bus = "arn:aws:events:us-east-1:123456789012:event-bus/other"
    queue = "arn:aws:sqs:us-east-1:123456789012:inbox"
    events.put_targets(
        Rule="r", Targets=[{"Id": "f", "Arn": FUNCTION}, {"Id": "q", "Arn": queue}, {"Id": "b", "Arn": bus}]
    )
    events.put_rule(Name="there", EventBusName="other", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="there", EventBusName="other", Targets=[{"Id": "g", "Arn": FUNCTION}])
    # WHEN a matching event and a non-matching one are put
    _put(aws, Resources=["arn:aws:s3:::b"])
    _put(aws, Source="elsewhere")
    # THEN the hook got the matching one for the Lambda and SQS targets, with AWS's keys in AWS's order and an
    # ISO time (no ingestion-time)
    rule, event = delivered[0]
    assert (rule.name, rule.arn, rule.event_bus) == ("r", arn, "default")
    assert [t["Id"] for t in rule.targets] == ["f", "q"]
    assert list(event) == [
        "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail",
    ]  # fmt: skip
    assert event["detail"] == {"id": 7} and event["resources"] == ["arn:aws:s3:::b"]
    assert event["time"].endswith("Z") and "T" in event["time"] and event["account"] == "123456789012"
    # AND moto still forwarded it to the other bus, whose rule reached the hook in turn
    assert [(r.name, r.event_bus) for r, _ in delivered] == [("r", "default"), ("there", "other")]


def test_queues_and_log_groups_receive_what_they_are_sent(aws: Clients) -> None:
    # GIVEN a queue and a log group
    url = aws("sqs").create_queue(QueueName="inbox")["QueueUrl"]
    aws("logs").create_log_group(logGroupName="/aws/events/x")
    # WHEN a body is sent to each by ARN (a log group's ARN as CDK writes it, with :*)
    events_state.send_to_queue("arn:aws:sqs:us-east-1:123456789012:inbox", '{"a": 1}')
    events_state.put_to_log_group(
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x:*", "e-1", "hi"
    )
    events_state.put_to_log_group(
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x", "e-1", "again"
    )
    # THEN the queue has the message and the event id's stream the two lines
    assert [m["Body"] for m in aws("sqs").receive_message(QueueUrl=url)["Messages"]] == ['{"a": 1}']
    found = aws("logs").get_log_events(logGroupName="/aws/events/x", logStreamName="e-1")["events"]
    assert [e["message"] for e in found] == ["hi", "again"]


def test_disabled_and_schedule_only_rules_match_no_event(
    aws: Clients, delivered: list[tuple[MatchedRule, dict[str, Any]]]
) -> None:
    # GIVEN a disabled rule with a pattern that matches, and a rule with a schedule only (moto matched both)
    events = aws("events")
    events.put_rule(Name="off", EventPattern=json.dumps({"source": ["shop"]}), State="DISABLED")
    events.put_rule(Name="timer", ScheduleExpression="rate(5 minutes)")
    for name in ("off", "timer"):
        events.put_targets(Rule=name, Targets=[{"Id": "f", "Arn": FUNCTION}])
    # WHEN an event is put THEN neither delivers, as on AWS
    _put(aws)
    assert delivered == []


def test_a_scheduled_rule_is_listed_and_fired_with_the_scheduled_event(
    aws: Clients, delivered: list[tuple[MatchedRule, dict[str, Any]]]
) -> None:
    # GIVEN a scheduled rule with a Lambda target
    events = aws("events")
    arn = events.put_rule(Name="timer", ScheduleExpression="rate(1 minute)")["RuleArn"]
    events.put_targets(Rule="timer", Targets=[{"Id": "f", "Arn": FUNCTION}])
    # WHEN the scheduled rules are listed THEN it is there, enabled, with its expression
    [listed] = events_state.scheduled_rules()
    assert (listed.arn, listed.expression, listed.enabled) == (arn, "rate(1 minute)", True)
    # WHEN it is fired at a given time
    assert events_state.fire_scheduled(arn, "e-1", 1_700_000_000.0)
    # THEN the target gets AWS's "Scheduled Event": source aws.events, the rule in resources, an empty detail
    [(_, event)] = delivered
    assert event == {
        "version": "0",
        "id": "e-1",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2023-11-14T22:13:20Z",
        "region": "us-east-1",
        "resources": [arn],
        "detail": {},
    }
    # AND a disabled or deleted rule is not fired
    events.disable_rule(Name="timer")
    assert not events_state.fire_scheduled(arn, "e-2", 1_700_000_060.0)
    assert not events_state.fire_scheduled(arn + "-gone", "e-3", 1_700_000_060.0)


def test_a_pattern_with_an_unknown_match_type_is_refused_as_aws_refuses_it(
    aws: Clients, delivered: list[tuple[MatchedRule, dict[str, Any]]]
) -> None:
    events = aws("events")
    # GIVEN known match types, also inside $or WHEN put THEN the rule is made
    good = {
        "source": [{"prefix": "sh"}],
        "$or": [{"detail-type": [{"anything-but": "x"}]}, {"detail": {"id": [7]}}],
    }
    events.put_rule(Name="good", EventPattern=json.dumps(good))
    # GIVEN a misspelt match type (moto matched every event with it) WHEN put THEN InvalidEventPatternException
    for bad in ({"source": [{"prefx": "sh"}]}, {"$or": [{"source": [{"sufix": "p"}]}]}):
        with pytest.raises(events.exceptions.InvalidEventPatternException, match="Unrecognized match type"):
            events.put_rule(Name="bad", EventPattern=json.dumps(bad))
    assert [rule["Name"] for rule in events.list_rules()["Rules"]] == ["good"]


def test_a_target_moto_cannot_deliver_never_breaks_put_events_or_the_other_rules(
    aws: Clients, delivered: list[tuple[MatchedRule, dict[str, Any]]]
) -> None:
    # GIVEN (with no PutTargets check installed) a rule whose target moto cannot deliver (SNS: NotImplementedError)
    # and, after it, a rule with a Lambda target
    events = aws("events")
    topic = aws("sns").create_topic(Name="t")["TopicArn"]
    for name, target in (("a-sns", topic), ("b-fn", FUNCTION)):
        events.put_rule(Name=name, EventPattern=json.dumps({"source": ["shop"]}))
        events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": target}])
    # WHEN an event is put THEN PutEvents succeeds and the second rule still delivers
    _put(aws)
    assert [rule.name for rule, _ in delivered] == ["b-fn"]
