"""warn mode: a request AWS would deny goes through, and is reported in the summary and the function's log."""

from __future__ import annotations

import io
import json
import textwrap
import zipfile

from fogbank.cloud import LocalCloud

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
HANDLER = """
    import boto3

    def handler(event, context):
        boto3.client("s3").put_object(Bucket="warned", Key="k", Body=b"x")
        return "written"
"""


def test_warn_mode_lets_the_request_through_and_reports_it() -> None:
    # GIVEN a cloud in warn mode and a function whose role has no S3 permission
    with LocalCloud(iam_mode="warn") as cloud:
        cloud.client("s3").create_bucket(Bucket="warned")
        role = cloud.client("iam").create_role(RoleName="NoS3", AssumeRolePolicyDocument=json.dumps(TRUST))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("app.py", textwrap.dedent(HANDLER))
        cloud.client("lambda").create_function(
            FunctionName="writer",
            Runtime="python3.11",
            Role=role["Role"]["Arn"],
            Handler="app.handler",
            Code={"ZipFile": buffer.getvalue()},
        )

        # WHEN it writes an object
        answer = cloud.client("lambda").invoke(FunctionName="writer")

        # THEN the write happened, the finding is recorded, and the function's log says so
        assert json.loads(answer["Payload"].read()) == "written"
        expected = (
            "would be denied on AWS: arn:aws:sts::123456789012:assumed-role/NoS3/writer s3:PutObject "
            "arn:aws:s3:::warned/k"
        )
        assert [finding.line() for finding, _ in cloud.context.iam.findings()] == [expected]
        events = cloud.client("logs").filter_log_events(logGroupName="/aws/lambda/writer")["events"]
        assert f"[fogbank iam] {expected}" in [event["message"] for event in events]
