"""BucketDeployment, an arm64 function and a function in a default VPC, as a project would test them on AWS."""

import json

import boto3
import pytest

from fogbank import data_fetcher

pytestmark = pytest.mark.xdist_group(name="cdk_constructs")

SITE_FILES = {"index.html", "assets/app.js", "config.json"}


def _read(function_arn: str, key: str) -> dict:
    response, _ = data_fetcher.get_lambda_response(lambda_arn=function_arn, payload=json.dumps({"key": key}))
    return json.loads(response["Payload"].read())


def test_bucket_deployment_put_the_site_in_the_bucket(infrastructure: dict):
    # GIVEN the deployed stack
    bucket, prefix = infrastructure["SiteBucketName"], infrastructure["SitePrefix"]

    # WHEN the bucket is listed
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)

    # THEN it holds the site's files and the generated config, under the destination prefix
    assert {item["Key"].removeprefix(prefix) for item in listed.get("Contents", [])} == SITE_FILES
    config = boto3.client("s3").get_object(Bucket=bucket, Key=f"{prefix}config.json")["Body"].read()
    assert json.loads(config) == json.loads(infrastructure["SiteConfig"])


def test_arm64_function_reads_the_deployed_site(infrastructure: dict):
    # GIVEN the arm64 function
    function_arn = infrastructure["ObjectReaderArn"]

    # WHEN it reads the deployed index page
    answer = _read(function_arn, f"{infrastructure['SitePrefix']}index.html")

    # THEN it ran as an arm64 function and read the page
    configuration = boto3.client("lambda").get_function_configuration(FunctionName=function_arn)
    assert configuration["Architectures"] == ["arm64"]
    assert "deployed by aws_s3_deployment.BucketDeployment" in answer["body"]


def test_function_in_the_default_vpc_runs_in_its_private_subnets(infrastructure: dict):
    # GIVEN the function placed in the VPC's private subnets
    function_arn, vpc_id = infrastructure["VpcReaderArn"], infrastructure["VpcId"]

    # WHEN it reads the generated config (through the VPC's NAT gateway on AWS)
    answer = _read(function_arn, f"{infrastructure['SitePrefix']}config.json")

    # THEN it answered, and it is attached to private subnets of that VPC (no public IP on launch)
    assert json.loads(answer["body"]) == json.loads(infrastructure["SiteConfig"])
    configuration = boto3.client("lambda").get_function_configuration(FunctionName=function_arn)
    subnets = boto3.client("ec2").describe_subnets(SubnetIds=configuration["VpcConfig"]["SubnetIds"])[
        "Subnets"
    ]
    assert configuration["VpcConfig"]["VpcId"] == vpc_id
    assert len(subnets) >= 2  # one private subnet per availability zone (CDK uses up to 3)
    assert all(s["VpcId"] == vpc_id and not s["MapPublicIpOnLaunch"] for s in subnets)
