"""The idempotency_redis feature's stack: a Valkey ServerlessCache in the account's default VPC, and functions
in that VPC using Powertools' Redis persistence layer (host and port come from the cache's endpoint).

The default VPC (looked up, not created: nothing to deploy or delete for it) has a subnet per zone; the cache
spans two. The functions' security group may reach the cache's on 6379. The functions need no internet
access, so public subnets are fine for them.
"""

from __future__ import annotations

import hashlib

from aws_cdk import CfnOutput, Duration
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache

from fogbank.infrastructure import BaseInfrastructure

CACHE_PORT = 6379


class IdempotencyRedisStack(BaseInfrastructure):
    def create_resources(self) -> None:
        vpc = ec2.Vpc.from_lookup(self.stack, "DefaultVpc", is_default=True)
        subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)
        functions_sg = ec2.SecurityGroup(self.stack, "FunctionsSg", vpc=vpc, allow_all_outbound=True)
        cache_sg = ec2.SecurityGroup(self.stack, "CacheSg", vpc=vpc, allow_all_outbound=False)
        cache_sg.add_ingress_rule(functions_sg, ec2.Port.tcp(CACHE_PORT), "functions reach the cache")

        cache = elasticache.CfnServerlessCache(
            self.stack,
            "Cache",
            engine="valkey",
            # unique per stack; a letter first, lower case, no double hyphens (ElastiCache's naming rules)
            serverless_cache_name=f"idem-{hashlib.sha256(self.stack_name.encode()).hexdigest()[:20]}",
            major_engine_version="8",
            subnet_ids=vpc.select_subnets(subnet_type=ec2.SubnetType.PUBLIC).subnet_ids[:2],
            security_group_ids=[cache_sg.security_group_id],
        )
        CfnOutput(self.stack, "CacheHost", value=cache.attr_endpoint_address)
        CfnOutput(self.stack, "CachePort", value=cache.attr_endpoint_port)

        self.create_lambda_functions(
            function_props={
                "environment": {
                    "CACHE_HOST": cache.attr_endpoint_address,
                    "CACHE_PORT": cache.attr_endpoint_port,
                },
                "timeout": Duration.seconds(4),
                "vpc": vpc,
                "vpc_subnets": subnets,
                "allow_public_subnet": True,
                "security_groups": [functions_sg],
            }
        )
