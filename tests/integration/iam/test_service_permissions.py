"""Services that call a function for you are held to the permissions AWS checks, in a real LocalCloud.

Event source mappings need the execution role's permissions on the source (at CreateEventSourceMapping, and
at every poll); S3 notifications, SNS subscriptions and log subscription filters need the function's (or
queue's, topic's) resource policy to allow the service. Each proof is AWS's error, or the function's own
log line (delivered) or its absence (not delivered). One cloud for the module; about 3 s.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.cloud import LocalCloud
from lambda_support import ROLE_POLICY, zip_code

HANDLER = """
import json
import time

def handler(event, context):
    print("RECEIVED " + json.dumps(event))
    records = event.get("Records", [])
    if any(r.get("body") == "slow" for r in records):
        time.sleep(2)
        print("RECEIVED DONE slow")
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records if r.get("body") == "fail"]}
"""


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


def _queue(sqs: Any) -> tuple[str, str]:
    """A new queue with a unique name: (its URL, its ARN)."""
    queue_url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return queue_url, str(arn)


def _role(cloud: LocalCloud, actions: list[str]) -> str:
    """A new execution role allowed `actions` on every resource (none: only its trust policy)."""
    iam = cloud.client("iam")
    name = f"role-{uuid.uuid4().hex[:8]}"
    arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))["Role"]["Arn"])
    if actions:
        statement = {"Effect": "Allow", "Action": actions, "Resource": "*"}
        document = {"Version": "2012-10-17", "Statement": [statement]}
        iam.put_role_policy(RoleName=name, PolicyName="poller", PolicyDocument=json.dumps(document))
    return arn


def _function(cloud: LocalCloud, role_arn: str) -> str:
    """A function that prints what it receives; returns its ARN."""
    name = f"fn-{uuid.uuid4().hex[:8]}"
    made = cloud.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role_arn,
        Handler="app.handler",
        Code={"ZipFile": zip_code({"app.py": HANDLER})},
    )
    return str(made["FunctionArn"])


def _received(cloud: LocalCloud, function_arn: str, text: str, *, wait: float = 10.0) -> bool:
    """Whether the function's log shows an event containing `text` (within `wait` seconds)."""
    logs = cloud.client("logs")
    group = "/aws/lambda/" + function_arn.rsplit(":", 1)[-1]
    deadline = time.monotonic() + wait
    while True:
        try:
            events = logs.filter_log_events(logGroupName=group, filterPattern='"RECEIVED"')["events"]
        except logs.exceptions.ResourceNotFoundException:
            events = []
        if any(text in event["message"] for event in events):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _events(cloud: LocalCloud, function_arn: str) -> list[dict[str, Any]]:
    """The events the function printed so far."""
    group = "/aws/lambda/" + function_arn.rsplit(":", 1)[-1]
    found = cloud.client("logs").filter_log_events(logGroupName=group, filterPattern='"RECEIVED"')["events"]
    return [json.loads(event["message"].split("RECEIVED ", 1)[1]) for event in found]


def _count(cloud: LocalCloud, line: str) -> int:
    return sum(count for finding, count in cloud.context.iam.findings() if finding.line() == line)


def _denied(cloud: LocalCloud) -> list[str]:
    return [finding.line() for finding, _ in cloud.context.iam.findings() if finding.kind == "denied"]


def test_sqs_event_source_mapping_needs_the_role_to_read_the_queue(cloud: LocalCloud) -> None:
    # GIVEN a queue and a function whose execution role may not read it
    sqs = cloud.client("sqs")
    queue_url, queue_arn = _queue(sqs)
    role = _role(cloud, [])
    function = _function(cloud, role)
    lambda_ = cloud.client("lambda")

    # WHEN the mapping is created (and one with a filter rule Lambda's event filtering does not document)
    with pytest.raises(ClientError) as refused:
        lambda_.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function)
    wildcard = {"Filters": [{"Pattern": '{"body": {"kind": [{"wildcard": "ord*"}]}}'}]}
    with pytest.raises(ClientError, match="uses the rule 'wildcard'"):
        lambda_.create_event_source_mapping(
            EventSourceArn=queue_arn, FunctionName=function, FilterCriteria=wildcard
        )

    # THEN AWS's error names the first action missing
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert refused.value.response["Error"]["Message"] == (
        "The function execution role does not have permissions to call ReceiveMessage on SQS"
    )

    # GIVEN the role may receive only: the next action missing is named
    role_name = role.rsplit("/", 1)[-1]
    only_receive = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": queue_arn}],
    }
    cloud.client("iam").put_role_policy(
        RoleName=role_name, PolicyName="poller", PolicyDocument=json.dumps(only_receive)
    )
    with pytest.raises(ClientError, match="permissions to call DeleteMessage on SQS"):
        lambda_.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function)

    # WHEN the role has what AWSLambdaSQSQueueExecutionRole grants, and a message is sent
    cloud.client("iam").attach_role_policy(
        RoleName=role_name, PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"
    )
    lambda_.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function)
    sqs.send_message(QueueUrl=queue_url, MessageBody="first message")

    # THEN the function receives it
    assert _received(cloud, function, "first message")

    # WHEN the role loses its permissions and another message is sent
    cloud.client("iam").detach_role_policy(
        RoleName=role_name, PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"
    )
    denial = f"denied: {role} sqs:DeleteMessage {queue_arn}"
    before = _count(cloud, denial)
    sqs.send_message(QueueUrl=queue_url, MessageBody="second message")

    # THEN the poller does not deliver it: it stays in the queue, unreceived, and the denial is reported
    left = sqs.receive_message(QueueUrl=queue_url, AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert [(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in left] == [
        ("second message", "1")
    ]
    assert _count(cloud, denial) == before + 1
    assert not _received(cloud, function, "second message", wait=0.3)


def test_the_sqs_poller_sends_batches_as_aws_and_honours_reported_item_failures(cloud: LocalCloud) -> None:
    # GIVEN a queue (1 s visibility timeout) mapped with a 1 s batching window and ReportBatchItemFailures to a
    # function (1 s timeout) that fails messages whose body is "fail"
    sqs = cloud.client("sqs")
    queue_url = sqs.create_queue(
        QueueName=f"q-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "1"}
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    function = _function(
        cloud, _role(cloud, ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
    )
    cloud.client("lambda").update_function_configuration(FunctionName=function, Timeout=1)  # <= the queue's
    cloud.client("lambda").create_event_source_mapping(
        EventSourceArn=queue_arn,
        FunctionName=function,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumBatchingWindowInSeconds=1,
    )

    # WHEN a failing message and then a good one (with an attribute) are sent within the window
    sqs.send_message(QueueUrl=queue_url, MessageBody="fail")
    attributes = {"kind": {"DataType": "String", "StringValue": "order"}}
    sent = sqs.send_message(QueueUrl=queue_url, MessageBody="ok", MessageAttributes=attributes)

    # THEN the poll after the window hands both in one event, each record as AWS shapes it
    assert _received(cloud, function, '"ok"')
    [batch] = [event["Records"] for event in _events(cloud, function) if len(event["Records"]) == 2]
    assert [record["body"] for record in batch] == ["fail", "ok"]
    good = batch[1]
    assert (good["md5OfBody"], good["md5OfMessageAttributes"]) == (
        sent["MD5OfMessageBody"],
        sent["MD5OfMessageAttributes"],
    )
    assert good["messageAttributes"] == {
        "kind": {"stringValue": "order", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    }
    assert abs(int(good["attributes"]["SentTimestamp"]) / 1000 - time.time()) < 60
    assert [record["attributes"]["ApproximateReceiveCount"] for record in batch] == ["1", "1"]
    # AND the processed message is deleted, while the reported failure stays invisible for the visibility
    # timeout (as on AWS) and is then polled again, alone, on its second receive
    counts = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert (
        int(counts["ApproximateNumberOfMessages"]) + int(counts["ApproximateNumberOfMessagesNotVisible"]) == 1
    )
    deadline = time.monotonic() + 10
    while not [e for e in _events(cloud, function) if len(e["Records"]) == 1] and time.monotonic() < deadline:
        time.sleep(0.05)
    retried = next(event["Records"] for event in _events(cloud, function) if len(event["Records"]) == 1)
    assert [(r["body"], r["attributes"]["ApproximateReceiveCount"]) for r in retried] == [("fail", "2")]
    sqs.delete_queue(QueueUrl=queue_url)  # it would be retried every second, as on AWS


def test_a_deleted_mapping_delivers_nothing(cloud: LocalCloud) -> None:
    # GIVEN a queue mapped to a function whose role may read it, and the mapping deleted again
    sqs = cloud.client("sqs")
    queue_url, queue_arn = _queue(sqs)
    function = _function(
        cloud, _role(cloud, ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
    )
    lambda_ = cloud.client("lambda")
    mapping = lambda_.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function)["UUID"]
    lambda_.delete_event_source_mapping(UUID=mapping)

    # WHEN a message is sent
    sqs.send_message(QueueUrl=queue_url, MessageBody="after the mapping")

    # THEN no poller takes it: it is still in the queue, never received
    left = sqs.receive_message(QueueUrl=queue_url, AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert [(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in left] == [
        ("after the mapping", "1")
    ]


def test_messages_waiting_before_a_mapping_is_created_or_enabled_are_delivered(cloud: LocalCloud) -> None:
    # GIVEN a queue holding a message, and a function whose role may read it
    sqs, lambda_ = cloud.client("sqs"), cloud.client("lambda")
    queue_url, queue_arn = _queue(sqs)
    function = _function(
        cloud, _role(cloud, ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
    )
    sqs.send_message(QueueUrl=queue_url, MessageBody="sent before the mapping")

    # WHEN the mapping is created
    mapping = lambda_.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function)["UUID"]

    # THEN the poller finds the waiting message without another send, as on AWS
    assert _received(cloud, function, "sent before the mapping")
    # AND a message sent while the mapping is disabled is delivered once it is enabled again
    lambda_.update_event_source_mapping(UUID=mapping, Enabled=False)
    sqs.send_message(QueueUrl=queue_url, MessageBody="sent while disabled")
    assert not _received(cloud, function, "sent while disabled", wait=0.5)
    lambda_.update_event_source_mapping(UUID=mapping, Enabled=True)
    assert _received(cloud, function, "sent while disabled")


def test_each_mapping_of_a_source_delivers_to_its_current_function(cloud: LocalCloud) -> None:
    # GIVEN a Kinesis stream mapped to two functions, and a queue mapped to a function
    role = _role(cloud, ["kinesis:*", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
    first, second, third = (_function(cloud, role) for _ in range(3))
    kinesis, sqs, lambda_ = cloud.client("kinesis"), cloud.client("sqs"), cloud.client("lambda")
    stream = f"s-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    stream_arn = kinesis.describe_stream(StreamName=stream)["StreamDescription"]["StreamARN"]
    for function in (first, second):
        lambda_.create_event_source_mapping(
            EventSourceArn=stream_arn, FunctionName=function, StartingPosition="TRIM_HORIZON"
        )
    queue_url, queue_arn = _queue(sqs)
    mapping = lambda_.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=first)["UUID"]

    # WHEN a record is put on the stream, and the queue's mapping is moved to the third function before a send
    kinesis.put_record(StreamName=stream, Data=b"fan-out", PartitionKey="k")
    lambda_.update_event_source_mapping(UUID=mapping, FunctionName=third)
    sqs.send_message(QueueUrl=queue_url, MessageBody="for the third function")

    # THEN both stream mappings deliver the record, as on AWS (moto kept only the last mapping of a stream)
    assert _received(cloud, first, "ZmFuLW91dA==")
    assert _received(cloud, second, "ZmFuLW91dA==")
    # AND the queue's mapping delivers to its new function (moto still called the old one, then dropped it)
    assert _received(cloud, third, "for the third function")
    # AND a second mapping of the same source and function is refused with AWS's error
    with pytest.raises(ClientError) as refused:
        lambda_.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=third)
    assert refused.value.response["Error"]["Code"] == "ResourceConflictException"
    assert refused.value.response["Error"]["Message"] == (
        f'An event source mapping with SQS arn (" {queue_arn} ") and function (" {third.rsplit(":", 1)[-1]} ") '
        f"already exists. Please update or delete the existing mapping with UUID {mapping}"
    )
    with pytest.raises(ClientError, match=f"The event source arn \\({stream_arn}\\) and function"):
        lambda_.create_event_source_mapping(
            EventSourceArn=stream_arn, FunctionName=first, StartingPosition="LATEST"
        )


def test_send_message_does_not_wait_for_the_function_the_poller_invokes(cloud: LocalCloud) -> None:
    # GIVEN a queue mapped to a function that takes 2 s for the body "slow"
    sqs = cloud.client("sqs")
    queue_url, queue_arn = _queue(sqs)
    function = _function(
        cloud, _role(cloud, ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
    )
    cloud.client("lambda").create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function)

    # WHEN "slow" is sent
    sqs.send_message(QueueUrl=queue_url, MessageBody="slow")

    # THEN SendMessage has returned before the function finished (on AWS the poller invokes it apart from the
    # send; moto invoked it inside SendMessage), and the function then finishes and the message is deleted
    assert not _received(cloud, function, "DONE slow", wait=0)
    assert _received(cloud, function, "DONE slow")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        counts = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
        if counts["ApproximateNumberOfMessages"] == counts["ApproximateNumberOfMessagesNotVisible"] == "0":
            break
        time.sleep(0.05)
    assert counts["ApproximateNumberOfMessages"] == counts["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_a_queue_visibility_timeout_shorter_than_the_function_timeout_is_refused(cloud: LocalCloud) -> None:
    # GIVEN a queue with a 30 s visibility timeout and a function with a 60 s timeout
    sqs, lambda_ = cloud.client("sqs"), cloud.client("lambda")
    _, queue_arn = _queue(sqs)
    function = _function(
        cloud, _role(cloud, ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
    )
    lambda_.update_function_configuration(FunctionName=function, Timeout=60)

    # WHEN a mapping from the queue to the function is created
    with pytest.raises(ClientError) as refused:
        lambda_.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function)

    # THEN AWS's error says why (a message would be polled again while the function still runs)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert refused.value.response["Error"]["Message"] == (
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
    )


def test_an_sqs_batch_size_beyond_what_lambda_allows_is_refused(cloud: LocalCloud) -> None:
    # GIVEN a standard queue, a FIFO queue and a function whose role may read them
    sqs, lambda_ = cloud.client("sqs"), cloud.client("lambda")
    arns = []
    for name, attributes in (
        (f"q-{uuid.uuid4().hex[:8]}", {}),
        (f"q-{uuid.uuid4().hex[:8]}.fifo", {"FifoQueue": "true"}),
    ):
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arns.append(
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        )
    standard, fifo = arns
    function = _function(
        cloud, _role(cloud, ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
    )

    # WHEN a batch over 10 is asked for without a batching window, or over a FIFO queue's 10
    def refusal(**settings: Any) -> tuple[str, str]:
        with pytest.raises(ClientError) as refused:
            lambda_.create_event_source_mapping(FunctionName=function, **settings)
        return refused.value.response["Error"]["Code"], refused.value.response["Error"]["Message"]

    # THEN Lambda's InvalidParameterValueException says why (moto accepted the first; the second was a 500 page)
    assert refusal(EventSourceArn=standard, BatchSize=50) == (
        "InvalidParameterValueException",
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
    )
    assert refusal(EventSourceArn=fifo, BatchSize=11) == (
        "InvalidParameterValueException",
        "BatchSize 11 exceeds the max of 10",
    )
    # AND with a window, a batch of 50 is accepted; taking the window away again is refused
    mapping = lambda_.create_event_source_mapping(
        EventSourceArn=standard, FunctionName=function, BatchSize=50, MaximumBatchingWindowInSeconds=1
    )["UUID"]
    with pytest.raises(ClientError, match="must be greater than 0 if maximum batch size is greater than 10"):
        lambda_.update_event_source_mapping(UUID=mapping, MaximumBatchingWindowInSeconds=0)
    lambda_.delete_event_source_mapping(UUID=mapping)


@pytest.mark.parametrize("source", ["kinesis", "dynamodb"])
def test_stream_event_source_mapping_needs_the_role_to_read_the_stream(
    cloud: LocalCloud, source: str
) -> None:
    # GIVEN a stream (Kinesis, or a DynamoDB table's) and a function whose role may not read it
    name = f"s-{uuid.uuid4().hex[:8]}"
    if source == "kinesis":
        kinesis = cloud.client("kinesis")
        kinesis.create_stream(StreamName=name, ShardCount=1)
        stream_arn = kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]
        grant = "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole"
    else:
        table = cloud.client("dynamodb").create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        stream_arn = table["TableDescription"]["LatestStreamArn"]
        grant = "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"
    role = _role(cloud, [])
    function = _function(cloud, role)
    lambda_ = cloud.client("lambda")

    # WHEN the mapping is created
    with pytest.raises(ClientError) as refused:
        lambda_.create_event_source_mapping(
            EventSourceArn=stream_arn, FunctionName=function, StartingPosition="TRIM_HORIZON"
        )

    # THEN AWS's error names the stream and the actions
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert refused.value.response["Error"]["Message"] == (
        f"Cannot access stream {stream_arn}. Please ensure the role can perform the GetRecords, "
        "GetShardIterator, DescribeStream, ListShards, and ListStreams Actions on your stream in IAM."
    )

    # WHEN the role has the managed policy AWS provides for the source
    cloud.client("iam").attach_role_policy(RoleName=role.rsplit("/", 1)[-1], PolicyArn=grant)

    # THEN the mapping is created
    created = lambda_.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=function, StartingPosition="TRIM_HORIZON"
    )
    assert created["EventSourceArn"] == stream_arn


def _allow(cloud: LocalCloud, function_arn: str, principal: str, source_arn: str) -> str:
    """Add a permission for `principal` from `source_arn`; returns its statement id."""
    statement_id = f"s-{uuid.uuid4().hex[:8]}"
    cloud.client("lambda").add_permission(
        FunctionName=function_arn,
        StatementId=statement_id,
        Action="lambda:InvokeFunction",
        Principal=principal,
        SourceArn=source_arn,
        SourceAccount="123456789012",
    )
    return statement_id


def test_s3_notifications_need_the_destinations_to_allow_s3(cloud: LocalCloud) -> None:
    # GIVEN a bucket, a function and a queue that do not allow S3
    s3, sqs = cloud.client("s3"), cloud.client("sqs")
    bucket = f"b-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    function = _function(cloud, _role(cloud, []))
    queue_url, queue_arn = _queue(sqs)
    config = {
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function, "Events": ["s3:ObjectCreated:*"]}],
        "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}],
    }

    # WHEN the notifications are configured
    with pytest.raises(ClientError) as refused:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)

    # THEN AWS's InvalidArgument names each destination and why, and each is a finding
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidArgument",
        "Unable to validate the following destination configurations",
    )
    assert (error["ArgumentName1"], error["ArgumentValue1"]) == (
        f"{function}, null",
        f"Not authorized to invoke function [{function}]",
    )
    assert (error["ArgumentName2"], error["ArgumentValue2"]) == (
        queue_arn,
        "Permissions on the destination queue do not allow S3 to publish notifications from this bucket",
    )
    denied = _denied(cloud)
    assert f"denied: s3.amazonaws.com lambda:InvokeFunction {function}" in denied
    assert f"denied: s3.amazonaws.com sqs:SendMessage {queue_arn}" in denied

    # WHEN the function and the queue allow S3 from this bucket (what CDK's destinations add) and an object lands
    _allow(cloud, function, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}},
    }
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": policy})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    s3.put_object(Bucket=bucket, Key="landed.txt", Body=b"x")

    # THEN the function is invoked with the object's event, and the queue gets it too
    assert _received(cloud, function, "landed.txt")
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]]
    assert any("landed.txt" in body for body in bodies)

    # WHEN the queue's policy is removed and another object lands
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": ""})
    s3.put_object(Bucket=bucket, Key="dropped.txt", Body=b"x")

    # THEN S3 drops that event for the queue (the function, still allowed, gets it)
    assert _received(cloud, function, "dropped.txt")
    later = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0).get(
        "Messages", []
    )
    assert not any("dropped.txt" in m["Body"] for m in later)


def test_sns_delivers_to_a_function_only_when_its_policy_allows_sns(cloud: LocalCloud) -> None:
    # GIVEN a topic with a Lambda subscription whose function does not allow SNS (AWS accepts the subscription)
    sns = cloud.client("sns")
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]
    function = _function(cloud, _role(cloud, []))
    subscription = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)["SubscriptionArn"]

    # WHEN a message is published
    sns.publish(TopicArn=topic, Message="not allowed")

    # THEN the delivery fails: no invocation, one finding
    assert f"denied: sns.amazonaws.com lambda:InvokeFunction {function}" in _denied(cloud)
    assert not _received(cloud, function, "not allowed", wait=0.3)

    # WHEN the function allows SNS from this topic (what CDK's LambdaSubscription adds) and another is published
    _allow(cloud, function, "sns.amazonaws.com", topic)
    attributes = {"kind": {"DataType": "String", "StringValue": "greeting"}}
    published = sns.publish(TopicArn=topic, Message="allowed now", Subject="hi", MessageAttributes=attributes)

    # THEN the function receives it, in the event AWS sends (not moto's fixed sample)
    assert _received(cloud, function, "allowed now")
    [record] = [
        event["Records"][0] for event in _events(cloud, function) if "allowed now" in json.dumps(event)
    ]
    assert (record["EventSource"], record["EventSubscriptionArn"]) == ("aws:sns", subscription)
    notification = record["Sns"]
    assert (notification["TopicArn"], notification["MessageId"]) == (topic, published["MessageId"])
    assert (notification["Subject"], notification["Message"]) == ("hi", "allowed now")
    assert notification["MessageAttributes"] == {"kind": {"Type": "String", "Value": "greeting"}}
    assert notification["UnsubscribeUrl"].endswith(f"SubscriptionArn={subscription}")
    assert notification["Timestamp"].startswith(time.strftime("%Y-", time.gmtime()))


def test_log_subscription_filters_need_the_function_to_allow_logs(cloud: LocalCloud) -> None:
    # GIVEN a log group and a function that does not allow CloudWatch Logs
    logs = cloud.client("logs")
    group = f"/app/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    function = _function(cloud, _role(cloud, []))

    # WHEN a subscription filter to the function is put
    def subscribe() -> None:
        logs.put_subscription_filter(
            logGroupName=group, filterName="all", filterPattern="", destinationArn=function
        )

    with pytest.raises(ClientError) as refused:
        subscribe()

    # THEN AWS's InvalidParameterException
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterException",
        "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute "
        "your function.",
    )

    # WHEN the function allows the regional logs principal from the group (what CDK's LambdaDestination adds
    # with logs.amazonaws.com), and the group's events arrive
    region_principal = "logs.us-east-1.amazonaws.com"
    group_arn = f"arn:aws:logs:us-east-1:123456789012:log-group:{group}:*"
    statement = _allow(cloud, function, region_principal, group_arn)
    subscribe()
    logs.create_log_stream(logGroupName=group, logStreamName="s")

    def put(message: str) -> None:
        event = {"timestamp": int(time.time() * 1000), "message": message}
        logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[event])

    put("first")

    # THEN the filter is accepted and the function receives the group's data
    assert _received(cloud, function, "awslogs")

    # WHEN the permission is removed and more events arrive
    cloud.client("lambda").remove_permission(FunctionName=function, StatementId=statement)
    denial = f"denied: logs.amazonaws.com lambda:InvokeFunction {function}"
    before = _count(cloud, denial)
    put("second")

    # THEN they are not delivered: one more denial (the first was PutSubscriptionFilter's)
    assert _count(cloud, denial) == before + 1
