"""The idempotency feature's stack: a DynamoDB table for Powertools' DynamoDBPersistenceLayer, and its functions."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb

from fogbank.infrastructure import BaseInfrastructure

# Every handler here finishes in well under this; ttl_cache_timeout_handler sleeps past it on purpose
FUNCTION_TIMEOUT_SECONDS = 4


class IdempotencyDynamoDBStack(BaseInfrastructure):
    def create_resources(self) -> None:
        table = dynamodb.Table(
            self.stack,
            "Idempotency",
            removal_policy=RemovalPolicy.DESTROY,
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            time_to_live_attribute="expiration",
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        )
        CfnOutput(self.stack, "DynamoDBTable", value=table.table_name)

        functions = self.create_lambda_functions(
            function_props={
                "environment": {"IDEMPOTENCY_TABLE": table.table_name},
                "timeout": Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
            }
        )
        for function in functions.values():
            table.grant_read_write_data(function)
