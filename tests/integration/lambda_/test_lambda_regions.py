"""Lambda is regional: the same function name in two regions is two functions, each running in its region."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from fogbank.cloud import LocalCloud
from lambda_support import ROLE_POLICY, zip_code

SOURCE = {
    "app.py": "import os\ndef handler(event, context):\n    return {'region': os.environ['AWS_REGION'], 'arn': context.invoked_function_arn}\n"
}


def _client(cloud: LocalCloud, service: str, region: str) -> Any:
    return boto3.client(
        service, endpoint_url=cloud.endpoint, region_name=region,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


def test_same_name_in_two_regions_runs_in_each_region(cloud: LocalCloud) -> None:
    # GIVEN a function named "regional" in us-east-1 and in eu-west-1
    role = cloud.client("iam").create_role(
        RoleName="regional-role", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY)
    )
    for region in ("us-east-1", "eu-west-1"):
        _client(cloud, "lambda", region).create_function(
            FunctionName="regional", Runtime="python3.11", Role=role["Role"]["Arn"], Handler="app.handler",
            Code={"ZipFile": zip_code(SOURCE)},
        )  # fmt: skip

    # WHEN each is invoked through its region's endpoint, and eu-west-1's also by ARN, from eu-west-1 and from
    # us-east-1
    answers = {
        region: json.loads(_client(cloud, "lambda", region).invoke(FunctionName="regional")["Payload"].read())
        for region in ("us-east-1", "eu-west-1")
    }
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:regional"
    by_arn = _client(cloud, "lambda", "eu-west-1").invoke(FunctionName=arn)
    us_east_1 = _client(cloud, "lambda", "us-east-1")
    with pytest.raises(us_east_1.exceptions.ResourceNotFoundException) as elsewhere:
        us_east_1.invoke(FunctionName=arn)

    # THEN each ran in its own region, with its own ARN
    assert answers["us-east-1"] == {
        "region": "us-east-1",
        "arn": "arn:aws:lambda:us-east-1:123456789012:function:regional",
    }
    assert answers["eu-west-1"] == {
        "region": "eu-west-1",
        "arn": "arn:aws:lambda:eu-west-1:123456789012:function:regional",
    }
    assert json.loads(by_arn["Payload"].read())["region"] == "eu-west-1"
    # AND, as on AWS, the Lambda API of one region does not reach another region's functions
    assert elsewhere.value.response["Error"]["Message"] == (
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"
    )
    # AND logs go to each region's CloudWatch Logs
    for region in ("us-east-1", "eu-west-1"):
        groups = _client(cloud, "logs", region).describe_log_groups(logGroupNamePrefix="/aws/lambda/regional")
        assert [g["logGroupName"] for g in groups["logGroups"]] == ["/aws/lambda/regional"]
