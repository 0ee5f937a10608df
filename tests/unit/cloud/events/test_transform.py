"""What a target receives: the event, Input, InputPath or an InputTransformer, as EventBridge renders them."""

from __future__ import annotations

import json

import pytest

from fogbank.cloud.events.transform import (
    InputError,
    RuleContext,
    check_target_input,
    json_path,
    target_input,
)

EVENT = {
    "version": "0",
    "id": "e-1",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-0123"],
    "detail": {"instance-id": "i-0123", "state": "RUNNING", "counts": [3, 4], "note": 'say "hi"'},
}
RULE = RuleContext("my-rule", "arn:aws:events:us-east-1:123456789012:rule/my-rule", ingestion_time=0.0)


def _transformed(template: str, **paths: str) -> str:
    target = {"Id": "t", "Arn": "a", "InputTransformer": {"InputPathsMap": paths, "InputTemplate": template}}
    return target_input(target, EVENT, RULE)


def test_without_settings_the_target_gets_the_whole_event() -> None:
    # GIVEN a target without Input settings WHEN it is fed THEN it gets the event as JSON
    assert json.loads(target_input({"Id": "t", "Arn": "a"}, EVENT, RULE)) == EVENT


def test_input_is_sent_as_written_and_input_path_sends_the_part_it_names() -> None:
    # GIVEN a constant Input and an InputPath WHEN fed THEN the constant verbatim, the path's value as JSON
    assert target_input({"Id": "t", "Arn": "a", "Input": '{"fixed": 1}'}, EVENT, RULE) == '{"fixed": 1}'
    assert (
        json.loads(target_input({"Id": "t", "Arn": "a", "InputPath": "$.detail"}, EVENT, RULE))
        == EVENT["detail"]
    )
    assert target_input({"Id": "t", "Arn": "a", "InputPath": "$.detail.counts[1]"}, EVENT, RULE) == "4"


def test_a_json_template_takes_values_as_json_outside_quotes_and_as_text_inside() -> None:
    # GIVEN AWS's documented example: placeholders in and out of quotes in a JSON object
    rendered = _transformed(
        '{"instance": <instance>, "state": [9, <state>, true], "text": "<instance> is in <state>", "n": <counts>}',
        instance="$.detail.instance-id",
        state="$.detail.state",
        counts="$.detail.counts",
    )
    # THEN strings are quoted outside quotes and inserted as text inside, arrays stay JSON
    assert json.loads(rendered) == {
        "instance": "i-0123",
        "state": [9, "RUNNING", True],
        "text": "i-0123 is in RUNNING",
        "n": [3, 4],
    }


def test_a_text_template_and_quotes_inside_values_and_missing_paths() -> None:
    # GIVEN a string template, a value containing quotes, and a path that finds nothing
    assert _transformed('"<i> is in state <s>"', i="$.detail.instance-id", s="$.detail.state") == (
        '"i-0123 is in state RUNNING"'
    )
    assert json.loads(_transformed('{"note": "<n>"}', n="$.detail.note")) == {"note": 'say "hi"'}
    assert json.loads(_transformed('{"missing": <m>}', m="$.detail.nothing")) == {"missing": None}


def test_predefined_variables() -> None:
    # GIVEN the predefined variables WHEN rendered THEN the rule's name and ARN, the ingestion time, the event
    rendered = json.loads(
        _transformed(
            '{"rule": "<aws.events.rule-name>", "arn": "<aws.events.rule-arn>", '
            '"at": "<aws.events.event.ingestion-time>", "all": <aws.events.event.json>, "head": <aws.events.event>}'
        )
    )
    assert rendered["rule"] == "my-rule" and rendered["arn"] == RULE.arn
    assert rendered["at"] == "1970-01-01T00:00:00Z"
    assert rendered["all"] == EVENT and "detail" not in rendered["head"] and rendered["head"]["id"] == "e-1"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"Input": "{}", "InputPath": "$.detail"}, "only one of Input, InputPath may be set"),
        ({"Input": "{oops"}, "Input must be valid JSON text"),
        ({"InputPath": "detail"}, "must start with $"),
        ({"InputPath": "$.detail[?(@.a)]"}, "is not supported by the local cloud's EventBridge"),
        ({"InputTransformer": {"InputPathsMap": {"a": "$.a"}}}, "needs an InputTemplate"),
        (
            {"InputTransformer": {"InputPathsMap": {"aws.x": "$.a"}, "InputTemplate": "<a>"}},
            "may not start with aws.",
        ),
    ],
)
def test_settings_eventbridge_refuses_are_refused_naming_the_target(
    target: dict[str, object], message: str
) -> None:
    # GIVEN a target setting PutTargets refuses WHEN checked THEN InputError names the target and the problem
    with pytest.raises(InputError, match="target t") as raised:
        check_target_input({"Id": "t", "Arn": "a", **target})
    assert message in str(raised.value)


def test_json_path_finds_nothing_past_a_missing_key_or_index() -> None:
    assert json_path(EVENT, "$.detail.counts[5]") is None and json_path(EVENT, "$.nope.deeper") is None
    assert json_path(EVENT, "$") == EVENT
