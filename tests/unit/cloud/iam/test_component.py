"""IamComponent: the router's authorizer while started, functions' role sessions, notes in their log groups."""

from __future__ import annotations

import time
from pathlib import Path

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.cloud.aws_state.logs import stored_events
from fogbank.cloud.iam.component import IamComponent
from fogbank.cloud.router import AwsRequest, AwsRouter
from fogbank.cloud.site import CloudSite
from fogbank.cloud.telemetry.component import TelemetryComponent

from ..conftest import Clients, lambda_role


def _signed_list_queues(env: dict[str, str]) -> AwsRequest:
    keys = Credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"])
    headers = {"Host": "127.0.0.1:4566", "Content-Type": "application/x-www-form-urlencoded"}
    sent = AWSRequest("POST", "http://127.0.0.1:4566/", data=b"Action=ListQueues", headers=headers)
    SigV4Auth(keys, "sqs", "us-east-1").add_auth(sent)
    return AwsRequest.build(
        "POST", "/", dict(sent.headers), b"Action=ListQueues", service="sqs", region="us-east-1"
    )


def test_enforce_mode_authorizes_the_routers_requests_while_started(tmp_path: Path, aws: Clients) -> None:
    # GIVEN a started component in enforce mode, and a function whose role allows nothing
    site = CloudSite("http://127.0.0.1:9", tmp_path)
    router = AwsRouter(lambda environ, start_response: [])
    iam = IamComponent(site, router, mode="enforce")
    iam.start()
    env = iam.function_environment("my-fn", lambda_role(aws, "Worker"))
    request = _signed_list_queues(env)

    # WHEN the function's request goes through the router, then again after stop
    denied = router.dispatch(request)
    iam.stop()
    after_stop = router.dispatch(request)

    # THEN it is denied while started, with the finding recorded, and passed on to moto after stop
    assert denied is not None and denied.status == 403
    assert [(f.kind, f.action) for f, _ in iam.findings()] == [("denied", "sqs:ListQueues")]
    assert after_stop is None


def test_warn_mode_notes_go_to_the_functions_log_group(tmp_path: Path, aws: Clients) -> None:
    # GIVEN warn mode with the telemetry sink, and a function logging to its own group
    site = CloudSite("http://127.0.0.1:9", tmp_path)
    router = AwsRouter(lambda environ, start_response: [])
    iam = IamComponent(site, router, mode="warn", telemetry=TelemetryComponent(site, router))
    iam.start()
    env = iam.function_environment("my-fn", lambda_role(aws, "Worker"), log_group="/custom/my-fn")

    # WHEN the function makes a request AWS would deny
    assert router.dispatch(_signed_list_queues(env)) is None

    # THEN a note is in the function's log group, in a stream of today named for fogbank's IAM notes
    (event,) = stored_events("us-east-1", "/custom/my-fn")
    assert event.message.startswith("[fogbank iam]") and "sqs:ListQueues" in event.message
    assert event.log_stream_name == time.strftime("%Y/%m/%d/", time.gmtime()) + "[$LATEST]fogbank-iam"
    assert iam.mode == "warn"
    iam.stop()


def test_a_services_denial_is_recorded_among_the_findings(tmp_path: Path) -> None:
    # GIVEN a component (EventBridge reports that a function's policy does not let it invoke the function)
    iam = IamComponent(CloudSite("http://127.0.0.1:9", tmp_path), AwsRouter(lambda e, s: []), mode="enforce")
    function = "arn:aws:lambda:us-east-1:123456789012:function:fn"
    # WHEN the same denial is noted twice
    for _ in range(2):
        iam.note_service_denial("events.amazonaws.com", "lambda:InvokeFunction", function)
    # THEN it is one finding, counted twice, worded as the run's IAM summary words denials
    [(finding, count)] = iam.findings()
    assert count == 2
    assert finding.line() == f"denied: events.amazonaws.com lambda:InvokeFunction {function}"
