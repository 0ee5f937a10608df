"""ServiceAccess: a service principal held to the resource's policy, Lambda's poller to the execution role."""

from __future__ import annotations

import json

from fogbank.cloud.iam.findings import FindingLog
from fogbank.cloud.iam.service_access import ServiceAccess

from ..conftest import Clients, lambda_role

BUCKET = "arn:aws:s3:::uploads"


def _queue(aws: Clients, policy: dict[str, object] | None = None) -> str:
    sqs = aws("sqs")
    attributes = {"Policy": json.dumps(policy)} if policy else {}
    url = sqs.create_queue(QueueName="inbox", Attributes=attributes)["QueueUrl"]
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def test_a_service_is_allowed_only_by_the_resources_policy_and_its_conditions(aws: Clients) -> None:
    # GIVEN a queue whose policy lets S3 send from one bucket only
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": "*",
        "Condition": {"ArnLike": {"aws:SourceArn": BUCKET}},
    }
    queue = _queue(aws, {"Version": "2012-10-17", "Statement": [statement]})
    access = ServiceAccess("enforce", FindingLog())

    # WHEN S3 sends for that bucket, for another bucket, and SNS sends
    def may(service: str, source: str) -> bool:
        return access.service_may(service, "sqs:SendMessage", queue, source_arn=source, source_account="1")

    # THEN only the first is allowed, and each denial is one finding
    assert may("s3.amazonaws.com", BUCKET)
    assert not may("s3.amazonaws.com", "arn:aws:s3:::other")
    assert not may("sns.amazonaws.com", "arn:aws:sns:us-east-1:1:t")
    assert [f.line() for f, _ in access.findings.findings()] == [
        f"denied: s3.amazonaws.com sqs:SendMessage {queue}",
        f"denied: sns.amazonaws.com sqs:SendMessage {queue}",
    ]


def test_the_poller_acts_as_the_execution_role(aws: Clients) -> None:
    # GIVEN a queue without a policy, and a role allowed to receive from it but not to delete
    queue = _queue(aws)
    role = lambda_role(aws, "Poller")
    allow = {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": queue}
    document = {"Version": "2012-10-17", "Statement": [allow]}
    aws("iam").put_role_policy(RoleName="Poller", PolicyName="p", PolicyDocument=json.dumps(document))
    access = ServiceAccess("enforce", FindingLog())

    # WHEN the poller receives and deletes
    # THEN the role's identity policy decides
    assert access.role_may(role, "sqs:ReceiveMessage", queue)
    assert not access.role_may(role, "sqs:DeleteMessage", queue)
    assert [f.line() for f, _ in access.findings.findings()] == [f"denied: {role} sqs:DeleteMessage {queue}"]


def test_warn_lets_the_call_through_and_off_checks_nothing(aws: Clients) -> None:
    # GIVEN a role allowed nothing
    queue = _queue(aws)
    role = lambda_role(aws, "Nothing")
    warn, off = ServiceAccess("warn", FindingLog()), ServiceAccess("off", FindingLog())

    # WHEN its poller would receive, in warn and in off mode
    # THEN both go ahead; warn reports what AWS would deny, off reports nothing
    assert warn.role_may(role, "sqs:ReceiveMessage", queue)
    assert off.role_may(role, "sqs:ReceiveMessage", queue)
    assert [f.line() for f, _ in warn.findings.findings()] == [
        f"would be denied on AWS: {role} sqs:ReceiveMessage {queue}"
    ]
    assert off.findings.findings() == []
