"""A CDK stack with an SQS event source and a log subscription filter deploys into a LocalCloud and delivers.

The stack is what a CDK app writes (`SqsEventSource(report_batch_item_failures=True)` on a queue with a dead-letter queue, `SqsEventSource(filters=)`,
`SqsEventSource(max_batching_window=)`,
`KinesisEventSource` and
`DynamoEventSource`, which grant the function's role what Lambda's poller needs; `logs.SubscriptionFilter` with a `LambdaDestination`, which adds
the AWS::Lambda::Permission for logs.amazonaws.com), synthesized by aws-cdk-lib here and deployed with
`fogbank.deploy`. Each proof is the function's own log line: what its handler printed. A mapping whose function
may not read the queue is deployed from a plain template: the stack fails with AWS's message. Adds 6-17 s (CDK
synth 3-10 s on a busy machine, the deploy, six cold starts, a 1 s batching window).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from cdk_stack_support import deployed_stack, inline_python_function, printed
from fogbank.cloud import LocalCloud

pytestmark = pytest.mark.slow

CONSUMER = """
import json

def handler(event, context):
    print("BATCH " + json.dumps([record["body"] for record in event["Records"]]))
    return {"batchItemFailures": [
        {"itemIdentifier": record["messageId"]} for record in event["Records"] if record["body"] == "fail"
    ]}
"""
WATCHER = """
import base64, gzip, json

def handler(event, context):
    data = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    print("LOGS " + json.dumps(data))
"""
READER = """
import base64, json

def handler(event, context):
    for record in event["Records"]:
        if record["eventSource"] == "aws:kinesis":
            print("RECORD " + json.dumps(["kinesis", base64.b64decode(record["kinesis"]["data"]).decode()]))
        else:
            print("RECORD " + json.dumps(["dynamodb", record["eventName"], record["dynamodb"]["NewImage"]]))
"""
STACK = "event-sources"


def _synthesize(outdir: Path) -> Path:
    import aws_cdk as cdk
    from aws_cdk import aws_dynamodb as dynamodb
    from aws_cdk import aws_kinesis as kinesis
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_lambda_event_sources as sources
    from aws_cdk import aws_logs as logs
    from aws_cdk import aws_logs_destinations as destinations
    from aws_cdk import aws_sqs as sqs

    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "EventSources", synthesizer=cdk.DefaultStackSynthesizer())

    def function(name: str, source: str, timeout: int = 3) -> lambda_.Function:
        return inline_python_function(stack, name, source, timeout)

    failed = sqs.Queue(stack, "Failed")
    cdk.CfnOutput(stack, "FailedUrl", value=failed.queue_url)
    orders = sqs.Queue(
        stack,
        "Orders",
        visibility_timeout=cdk.Duration.seconds(1),
        dead_letter_queue=sqs.DeadLetterQueue(queue=failed, max_receive_count=2),
    )
    cdk.CfnOutput(stack, "OrdersUrl", value=orders.queue_url)
    function("Consumer", CONSUMER, timeout=1).add_event_source(
        sources.SqsEventSource(orders, report_batch_item_failures=True)
    )
    picky = sqs.Queue(stack, "Picky")
    cdk.CfnOutput(stack, "PickyUrl", value=picky.queue_url)
    orders_only = lambda_.FilterCriteria.filter({"body": {"kind": lambda_.FilterRule.is_equal("order")}})
    function("Filtered", CONSUMER).add_event_source(sources.SqsEventSource(picky, filters=[orders_only]))
    gathered = sqs.Queue(stack, "Gathered")
    cdk.CfnOutput(stack, "GatheredUrl", value=gathered.queue_url)
    function("Batched", CONSUMER).add_event_source(
        sources.SqsEventSource(gathered, batch_size=10, max_batching_window=cdk.Duration.seconds(1))
    )
    reader = function("Reader", READER)
    stream = kinesis.Stream(stack, "Clicks")
    cdk.CfnOutput(stack, "ClicksName", value=stream.stream_name)
    reader.add_event_source(
        sources.KinesisEventSource(stream, starting_position=lambda_.StartingPosition.TRIM_HORIZON)
    )
    table = dynamodb.Table(
        stack,
        "Carts",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_IMAGE,
    )
    cdk.CfnOutput(stack, "CartsName", value=table.table_name)
    reader.add_event_source(
        sources.DynamoEventSource(table, starting_position=lambda_.StartingPosition.LATEST)
    )
    group = logs.LogGroup(stack, "AppLogs")
    cdk.CfnOutput(stack, "AppLogsName", value=group.log_group_name)
    subscription = logs.SubscriptionFilter(
        stack,
        "Errors",
        log_group=group,
        destination=destinations.LambdaDestination(function("Watcher", WATCHER)),
        filter_pattern=logs.FilterPattern.literal("ERROR"),
    )
    cdk.CfnOutput(stack, "ErrorsName", value=subscription.node.default_child.ref)  # type: ignore[union-attr]
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalCloud, dict[str, str]]]:
    with deployed_stack(_synthesize(tmp_path_factory.mktemp("cdk.out")), STACK) as deployed:
        yield deployed


def _printed(
    cloud: LocalCloud, function: str, prefix: str, count: int = 1, timeout: float = 30.0
) -> list[Any]:
    """What the handler printed after `prefix`, once `count` lines are in its log group (deadline, no sleeps)."""
    return [json.loads(line) for line in printed(cloud, function, prefix, count, timeout)]


def test_sqs_batches_reach_the_function_and_a_failed_item_is_retried_then_dead_lettered(
    deployed: tuple[LocalCloud, dict[str, str]],
) -> None:
    cloud, outputs = deployed
    sqs = cloud.client("sqs")
    # GIVEN the deployed queue (1 s visibility timeout, dead-letter queue after 2 receives), mapped by
    # SqsEventSource(report_batch_item_failures=True) to the consumer
    # WHEN a message the handler reports as failed is sent, and then a good one
    sqs.send_message(QueueUrl=outputs["OrdersUrl"], MessageBody="fail")
    sqs.send_message(QueueUrl=outputs["OrdersUrl"], MessageBody="ok")
    # THEN the consumer received each (two concurrent invokes, in either order, as on AWS), and the failed one
    # again once its visibility timeout had passed
    assert sorted(_printed(cloud, outputs["ConsumerName"], "BATCH", count=3)) == [["fail"], ["fail"], ["ok"]]
    # AND after its second failure SQS moved it to the dead-letter queue (the processed message is deleted)
    deadline = time.monotonic() + 10
    dead: list[Any] = []
    while not dead and time.monotonic() < deadline:
        dead = sqs.receive_message(QueueUrl=outputs["FailedUrl"], WaitTimeSeconds=1).get("Messages", [])
    assert [m["Body"] for m in dead] == ["fail"]
    assert "Messages" not in sqs.receive_message(QueueUrl=outputs["OrdersUrl"], MaxNumberOfMessages=10)
    assert sorted(_printed(cloud, outputs["ConsumerName"], "BATCH", count=4, timeout=0)) == [
        ["fail"],
        ["fail"],
        ["ok"],
    ]


def test_an_sqs_source_with_filters_hands_over_only_the_matching_messages(
    deployed: tuple[LocalCloud, dict[str, str]],
) -> None:
    cloud, outputs = deployed
    sqs = cloud.client("sqs")
    # GIVEN a queue mapped by SqsEventSource(filters=[FilterCriteria.filter({"body": {"kind": is_equal("order")}})])
    # WHEN an order, a refund and a plain-text message are sent
    for body in ('{"kind": "order", "id": 1}', '{"kind": "refund", "id": 2}', "kind order"):
        sqs.send_message(QueueUrl=outputs["PickyUrl"], MessageBody=body)
    # THEN only the order reached the function
    assert _printed(cloud, outputs["FilteredName"], "BATCH") == [['{"kind": "order", "id": 1}']]
    assert _printed(cloud, outputs["FilteredName"], "BATCH", count=2, timeout=0.5) == [
        ['{"kind": "order", "id": 1}']
    ]
    # AND the messages no filter matched are deleted from the queue, as Lambda does
    assert "Messages" not in sqs.receive_message(QueueUrl=outputs["PickyUrl"], MaxNumberOfMessages=10)


def test_a_batching_window_gathers_the_messages_sent_within_it_into_one_batch(
    deployed: tuple[LocalCloud, dict[str, str]],
) -> None:
    cloud, outputs = deployed
    sqs = cloud.client("sqs")
    # GIVEN a queue mapped by SqsEventSource(batch_size=10, max_batching_window=Duration.seconds(1))
    # WHEN three messages are sent one after the other
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=outputs["GatheredUrl"], MessageBody=body)
    # THEN nothing is handed over while the window is open
    assert _printed(cloud, outputs["BatchedName"], "BATCH", timeout=0) == []
    # AND once it has passed, the function receives the three as one batch, and the queue is empty
    assert _printed(cloud, outputs["BatchedName"], "BATCH") == [["a", "b", "c"]]
    assert "Messages" not in sqs.receive_message(QueueUrl=outputs["GatheredUrl"], MaxNumberOfMessages=10)


def test_kinesis_and_dynamodb_stream_records_reach_the_function(
    deployed: tuple[LocalCloud, dict[str, str]],
) -> None:
    cloud, outputs = deployed
    # GIVEN the reader, mapped by KinesisEventSource to a stream and by DynamoEventSource to a table's stream
    # WHEN a record is put on the stream and an item in the table
    cloud.client("kinesis").put_record(StreamName=outputs["ClicksName"], Data=b"click 1", PartitionKey="p")
    cloud.client("dynamodb").put_item(TableName=outputs["CartsName"], Item={"pk": {"S": "cart-1"}})
    # THEN the reader received both records
    printed = _printed(cloud, outputs["ReaderName"], "RECORD", count=2)
    assert sorted(printed) == [["dynamodb", "INSERT", {"pk": {"S": "cart-1"}}], ["kinesis", "click 1"]]


def test_a_subscription_filter_sends_the_matching_events_to_the_function(
    deployed: tuple[LocalCloud, dict[str, str]],
) -> None:
    cloud, outputs = deployed
    logs = cloud.client("logs")
    group = outputs["AppLogsName"]
    # GIVEN the deployed log group, subscribed with FilterPattern.literal("ERROR") to the watcher
    logs.create_log_stream(logGroupName=group, logStreamName="app")
    now = int(time.time() * 1000)
    # WHEN an application logs one line that matches and one that does not
    logs.put_log_events(
        logGroupName=group,
        logStreamName="app",
        logEvents=[
            {"timestamp": now, "message": "INFO all good"},
            {"timestamp": now, "message": "ERROR broke"},
        ],
    )
    # THEN the watcher received CloudWatch Logs' data message with the matching event only
    [data] = _printed(cloud, outputs["WatcherName"], "LOGS")
    assert (data["messageType"], data["logGroup"], data["logStream"]) == ("DATA_MESSAGE", group, "app")
    assert data["subscriptionFilters"] == [outputs["ErrorsName"]]
    assert [event["message"] for event in data["logEvents"]] == ["ERROR broke"]


def test_a_mapping_whose_role_may_not_read_the_queue_fails_the_stack_as_on_aws(
    deployed: tuple[LocalCloud, dict[str, str]],
) -> None:
    cloud, _ = deployed
    # GIVEN a template whose function's role has no SQS permissions, mapped to a queue (CfnEventSourceMapping
    # without the grant SqsEventSource adds)
    trust = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]
    }
    resources = {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust}},
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.11",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": "def handler(event, context):\n    return None\n"},
            },
        },
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Mapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {"EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]}, "FunctionName": {"Ref": "Fn"}},
        },
    }
    cfn = cloud.client("cloudformation")
    # WHEN it is deployed
    cfn.create_stack(
        StackName="no-grant",
        TemplateBody=json.dumps({"Resources": resources}),
        Capabilities=["CAPABILITY_IAM"],
    )
    with contextlib.suppress(WaiterError):  # the failure shows in the status and the events
        cfn.get_waiter("stack_create_complete").wait(StackName="no-grant", WaiterConfig={"Delay": 0.2})
    assert cfn.describe_stacks(StackName="no-grant")["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    # THEN the mapping fails with Lambda's answer on AWS, and the stack rolls back
    events = cfn.describe_stack_events(StackName="no-grant")["StackEvents"]
    [reason] = [e["ResourceStatusReason"] for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert "The function execution role does not have permissions to call ReceiveMessage on SQS" in reason
    cfn.delete_stack(StackName="no-grant")


def test_a_batching_window_the_local_poller_cannot_apply_is_refused_by_the_lambda_api(
    deployed: tuple[LocalCloud, dict[str, str]],
) -> None:
    cloud, outputs = deployed
    # GIVEN a FIFO queue (its poller hands each message over as it arrives here)
    sqs = cloud.client("sqs")
    url = sqs.create_queue(QueueName="ordered.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # WHEN a mapping with a batching window is created through the Lambda API
    with pytest.raises(ClientError) as refused:
        cloud.client("lambda").create_event_source_mapping(
            EventSourceArn=arn, FunctionName=outputs["BatchedName"], MaximumBatchingWindowInSeconds=5
        )
    # THEN it is refused naming the setting, rather than stored and ignored
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert (
        "applies batching windows to standard SQS queues only" in refused.value.response["Error"]["Message"]
    )
