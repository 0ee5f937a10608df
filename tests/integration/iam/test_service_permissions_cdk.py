"""A CDK stack's bucket notifications and SNS subscription keep working under the checks AWS makes.

CDK adds the permissions itself: `s3n.LambdaDestination` an `AWS::Lambda::Permission` for s3.amazonaws.com
(SourceArn the bucket, SourceAccount the stack's account) before its notifications custom resource calls
PutBucketNotificationConfiguration, `s3n.SqsDestination` a queue policy for S3, `subs.LambdaSubscription` a
permission for sns.amazonaws.com from the topic. The stack is synthesized by aws-cdk-lib and deployed with
`fogbank.deploy` into a LocalCloud in enforce mode; each proof is the function's own log line or the queue's
message. Adds about 8 s (CDK synth about 3 s, the deploy, two cold starts).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from cdk_stack_support import deployed_stack, inline_python_function, printed
from fogbank.cloud import LocalCloud

pytestmark = pytest.mark.slow

HANDLER = """
import json

def handler(event, context):
    print("RECEIVED " + json.dumps(event))
"""
STACK = "service-permissions"


def _synthesize(outdir: Path) -> Path:
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_s3 as s3
    from aws_cdk import aws_s3_notifications as s3n
    from aws_cdk import aws_sns as sns
    from aws_cdk import aws_sns_subscriptions as subs
    from aws_cdk import aws_sqs as sqs

    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "ServicePermissions", synthesizer=cdk.DefaultStackSynthesizer())

    def function(name: str) -> lambda_.Function:
        return inline_python_function(stack, name, HANDLER)

    uploads, subscriber = function("Uploads"), function("Subscriber")
    bucket = s3.Bucket(stack, "Bucket")
    inbox = sqs.Queue(stack, "Inbox")
    bucket.add_event_notification(
        s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(uploads), s3.NotificationKeyFilter(prefix="in/")
    )
    bucket.add_event_notification(
        s3.EventType.OBJECT_CREATED, s3n.SqsDestination(inbox), s3.NotificationKeyFilter(prefix="q/")
    )
    topic = sns.Topic(stack, "Topic")
    topic.add_subscription(subs.LambdaSubscription(subscriber))
    cdk.CfnOutput(stack, "BucketName", value=bucket.bucket_name)
    cdk.CfnOutput(stack, "InboxUrl", value=inbox.queue_url)
    cdk.CfnOutput(stack, "TopicArn", value=topic.topic_arn)
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalCloud, dict[str, str]]]:
    with deployed_stack(_synthesize(tmp_path_factory.mktemp("cdk.out")), STACK) as deployed:
        yield deployed


def _received(cloud: LocalCloud, function: str, timeout: float = 30.0) -> list[str]:
    """What the function's handler printed, once something is in its log group (deadline, no fixed sleep)."""
    return printed(cloud, function, "RECEIVED", 1, timeout)


def test_cdk_destinations_and_subscriptions_deliver(deployed: tuple[LocalCloud, dict[str, str]]) -> None:
    cloud, outputs = deployed
    # GIVEN the deployed stack: its notifications were configured (the custom resource's
    # PutBucketNotificationConfiguration passed S3's destination validation)
    s3 = cloud.client("s3")
    configured = s3.get_bucket_notification_configuration(Bucket=outputs["BucketName"])
    assert len(configured["LambdaFunctionConfigurations"]) == len(configured["QueueConfigurations"]) == 1

    # WHEN objects land under each prefix and a message is published to the topic
    s3.put_object(Bucket=outputs["BucketName"], Key="in/a.txt", Body=b"a")
    s3.put_object(Bucket=outputs["BucketName"], Key="q/b.txt", Body=b"b")
    cloud.client("sns").publish(TopicArn=outputs["TopicArn"], Message="from the topic")

    # THEN the function, the queue and the subscriber each receive theirs, and nothing was denied
    [upload] = _received(cloud, outputs["UploadsName"])
    assert unquote_plus(json.loads(upload)["Records"][0]["s3"]["object"]["key"]) == "in/a.txt"  # URL-encoded
    bodies = [
        m["Body"]
        for m in cloud.client("sqs").receive_message(QueueUrl=outputs["InboxUrl"], MaxNumberOfMessages=10)[
            "Messages"
        ]
    ]
    # (after S3's s3:TestEvent; the key URL-encoded, as in the function's event)
    assert any("q%2Fb.txt" in body for body in bodies)
    [published] = _received(cloud, outputs["SubscriberName"])
    assert json.loads(published)["Records"][0]["Sns"]["Message"] == "from the topic"
    assert [f.line() for f, _ in cloud.components.iam.findings() if f.kind == "denied"] == []
