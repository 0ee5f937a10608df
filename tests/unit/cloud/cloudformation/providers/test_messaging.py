"""SQS queues, SNS topics and subscriptions deployed by the in-process engine into moto's state."""

from __future__ import annotations

import json
from typing import Any

from ...conftest import Clients
from ..conftest import body, delete, deploy


def test_queues_with_attributes_a_dead_letter_queue_and_a_fifo_queue(cfn: Any, aws: Clients) -> None:
    # GIVEN a queue whose RedrivePolicy (an object in the template) names a dead-letter queue, and a FIFO queue
    template = body(
        {
            "Dead": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "dead"}},
            "Jobs": {
                "Type": "AWS::SQS::Queue",
                "Properties": {
                    "QueueName": "jobs",
                    "VisibilityTimeout": 45,
                    "RedrivePolicy": {
                        "deadLetterTargetArn": {"Fn::GetAtt": ["Dead", "Arn"]},
                        "maxReceiveCount": 3,
                    },
                },
            },
            "Ordered": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"QueueName": "ordered.fifo", "FifoQueue": True},
            },
        },
        Outputs={"Url": {"Value": {"Ref": "Jobs"}}, "Name": {"Value": {"Fn::GetAtt": ["Jobs", "QueueName"]}}},
    )
    # WHEN it is deployed
    outputs = deploy(cfn, "s", template)
    # THEN SQS has the attributes, the redrive policy as JSON text naming the dead-letter queue's ARN
    attributes = aws("sqs").get_queue_attributes(QueueUrl=outputs["Url"], AttributeNames=["All"])[
        "Attributes"
    ]
    assert attributes["VisibilityTimeout"] == "45" and outputs["Name"] == "jobs"
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith(":dead") and int(redrive["maxReceiveCount"]) == 3
    ordered = aws("sqs").get_queue_url(QueueName="ordered.fifo")["QueueUrl"]
    fifo = aws("sqs").get_queue_attributes(QueueUrl=ordered, AttributeNames=["FifoQueue"])["Attributes"]
    assert fifo["FifoQueue"] == "true"


def test_a_topic_delivers_to_its_subscribed_queue(cfn: Any, aws: Clients) -> None:
    # GIVEN a topic with a queue subscribed by an AWS::SNS::Subscription with raw delivery
    template = body(
        {
            "Inbox": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "inbox"}},
            "Alerts": {
                "Type": "AWS::SNS::Topic",
                "Properties": {"TopicName": "alerts", "DisplayName": "Alerts"},
            },
            "Sub": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "TopicArn": {"Ref": "Alerts"},
                    "Protocol": "sqs",
                    "Endpoint": {"Fn::GetAtt": ["Inbox", "Arn"]},
                    "RawMessageDelivery": True,
                },
            },
        },
        Outputs={"Topic": {"Value": {"Ref": "Alerts"}}, "Inbox": {"Value": {"Ref": "Inbox"}}},
    )
    outputs = deploy(cfn, "s", template)
    # WHEN a message is published THEN the queue receives it as it was sent (raw delivery)
    aws("sns").publish(TopicArn=outputs["Topic"], Message="hello")
    messages = aws("sqs").receive_message(QueueUrl=outputs["Inbox"], WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ["hello"]
    assert aws("sns").get_topic_attributes(TopicArn=outputs["Topic"])["Attributes"]["DisplayName"] == "Alerts"
    # WHEN the stack is deleted THEN topic, subscription and queue are gone
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert aws("sns").list_topics()["Topics"] == [] and aws("sns").list_subscriptions()["Subscriptions"] == []


def test_a_queue_policy_sets_and_removes_the_queues_policy(cfn: Any, aws: Clients) -> None:
    # GIVEN a queue and the policy CDK's targets.SqsQueue adds (EventBridge may send from one rule)
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": {"Fn::GetAtt": ["Inbox", "Arn"]},
        "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/r"}},
    }
    template = {
        "Resources": {
            "Inbox": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "inbox"}},
            "Policy": {
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {
                    "Queues": [{"Ref": "Inbox"}],
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
                },
            },
        },
        "Outputs": {"Url": {"Value": {"Ref": "Inbox"}}},
    }
    # WHEN it is deployed THEN the queue's Policy attribute is the document
    outputs = deploy(cfn, "qp", json.dumps(template))
    attributes = aws("sqs").get_queue_attributes(QueueUrl=outputs["Url"], AttributeNames=["Policy"])[
        "Attributes"
    ]
    assert json.loads(attributes["Policy"])["Statement"][0]["Principal"] == {
        "Service": "events.amazonaws.com"
    }
    # WHEN the policy is removed by an update THEN the queue has no policy any more
    del template["Resources"]["Policy"]
    deploy(cfn, "qp", json.dumps(template), update=True)
    attributes = aws("sqs").get_queue_attributes(QueueUrl=outputs["Url"], AttributeNames=["Policy"])
    assert "Policy" not in attributes.get("Attributes", {})
