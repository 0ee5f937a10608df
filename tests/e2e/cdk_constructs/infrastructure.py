"""The cdk_constructs feature's stack: a site bucket filled by a BucketDeployment, read by an arm64 function
and by a function in the private subnets of a default VPC."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import CfnOutput, Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment

from fogbank.infrastructure import BaseInfrastructure

SITE = Path(__file__).with_name("site")
PREFIX = "site/"
# The object Source.data adds beside the site's files; test_cdk_constructs.py expects exactly this
CONFIG = {"feature": "cdk_constructs", "version": 1}


class CdkConstructsStack(BaseInfrastructure):
    def create_resources(self) -> None:
        bucket = s3.Bucket(
            self.stack, "SiteBucket", removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True
        )
        deployment = s3_deployment.BucketDeployment(
            self.stack,
            "DeploySite",
            sources=[
                s3_deployment.Source.asset(str(SITE)),
                s3_deployment.Source.json_data("config.json", CONFIG),
            ],
            destination_bucket=bucket,
            destination_key_prefix=PREFIX,
            # Lambda's 128 MB, not CDK 2.275's default of 1024: the AWS CLI it runs must fit (MemorySize is
            # enforced locally too, docs/local-cloud-lambda.md, Memory)
            memory_limit=128,
        )
        environment = {"SITE_BUCKET": bucket.bucket_name}

        # every handler as an arm64 function (the layer is built for where it runs)
        functions = self.create_lambda_functions(
            function_props={"environment": environment, "timeout": Duration.seconds(15)},
            architecture=lambda_.Architecture.ARM_64,
        )
        reader = functions["ObjectReader"]
        reader.node.add_dependency(deployment)
        bucket.grant_read(reader)

        # the same handler in the private subnets of a VPC with CDK's defaults (2 AZs, public + private, NAT)
        vpc = ec2.Vpc(self.stack, "Vpc")
        in_vpc = lambda_.Function(
            self.stack,
            "VpcReaderFunction",
            runtime=reader.runtime,
            handler="object_reader.lambda_handler",
            code=lambda_.Code.from_asset(str(self.feature_path / "handlers")),
            environment=environment,
            timeout=Duration.seconds(15),
            vpc=vpc,
        )
        in_vpc.node.add_dependency(deployment)
        bucket.grant_read(in_vpc)

        CfnOutput(self.stack, "SiteBucketName", value=bucket.bucket_name)
        CfnOutput(self.stack, "SitePrefix", value=PREFIX)
        CfnOutput(self.stack, "SiteConfig", value=json.dumps(CONFIG))
        CfnOutput(self.stack, "VpcId", value=vpc.vpc_id)
        self.add_cfn_output(name="VpcReader", value=in_vpc.function_name, arn=in_vpc.function_arn)
