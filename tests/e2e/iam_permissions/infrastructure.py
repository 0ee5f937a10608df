"""The iam_permissions feature's stack: functions whose roles, and the resources' policies, allow some calls.

- TableReader: `table.grant_read_data(fn)`: it may read the table, not write it;
- BucketReader: `bucket.grant_read(fn)`, and the bucket policy denies it `private/*` explicitly;
- KeyUser / KeyOutsider: a KMS key whose policy names KeyUser only (the account root may only administer
  the key); KeyOutsider's role allows kms:Encrypt, which is not enough;
- ScopedCaller: NotAction (everything on the table but deletes) and a wildcard resource (SSM parameters
  under `/<stack>/public/`, in any region and account);
- ApiTarget: behind a REST API whose Lambda permission (aws:SourceArn) covers `GET /allowed` only.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ssm as ssm
from aws_cdk.aws_lambda import Function

from fogbank.infrastructure import BaseInfrastructure

KEY_ADMIN_ACTIONS = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
]


class IamPermissionsStack(BaseInfrastructure):
    def create_resources(self) -> None:
        functions = self.create_lambda_functions()
        table = self._create_table(functions["TableReader"])
        self._create_bucket(functions["BucketReader"])
        self._create_key(functions["KeyUser"], functions["KeyOutsider"])
        self._scope_caller(functions["ScopedCaller"], table)
        self._create_api(functions["ApiTarget"])

    def _create_table(self, reader: Function) -> dynamodb.Table:
        table = dynamodb.Table(
            self.stack,
            "Table",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            removal_policy=RemovalPolicy.DESTROY,
        )
        table.grant_read_data(reader)
        CfnOutput(self.stack, "TableName", value=table.table_name)
        CfnOutput(self.stack, "TableArn", value=table.table_arn)
        return table

    def _create_bucket(self, reader: Function) -> None:
        bucket = s3.Bucket(self.stack, "Bucket", removal_policy=RemovalPolicy.DESTROY)
        bucket.grant_read(reader)
        assert reader.role is not None
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                principals=[iam.ArnPrincipal(reader.role.role_arn)],
                actions=["s3:GetObject"],
                resources=[bucket.arn_for_objects("private/*")],
            )
        )
        CfnOutput(self.stack, "BucketName", value=bucket.bucket_name)

    def _create_key(self, user: Function, outsider: Function) -> None:
        assert user.role is not None
        policy = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    sid="AccountAdministersTheKey",
                    principals=[iam.AccountRootPrincipal()],
                    actions=KEY_ADMIN_ACTIONS,
                    resources=["*"],
                ),
                iam.PolicyStatement(
                    sid="OnlyKeyUserEncrypts",
                    principals=[iam.ArnPrincipal(user.role.role_arn)],
                    actions=["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                    resources=["*"],
                ),
            ]
        )
        key = kms.CfnKey(self.stack, "Key", key_policy=policy, pending_window_in_days=7)
        # the outsider's own role allows Encrypt: the key policy still leaves it out
        outsider.add_to_role_policy(iam.PolicyStatement(actions=["kms:Encrypt"], resources=[key.attr_arn]))
        CfnOutput(self.stack, "KeyArn", value=key.attr_arn)

    def _scope_caller(self, caller: Function, table: dynamodb.Table) -> None:
        caller.add_to_role_policy(
            iam.PolicyStatement(not_actions=["dynamodb:Delete*"], resources=[table.table_arn])
        )
        caller.add_to_role_policy(
            iam.PolicyStatement(
                actions=["ssm:GetParameter"],
                resources=[f"arn:aws:ssm:*:*:parameter/{self.stack_name}/public/*"],
            )
        )
        for visibility, value in (("public", "hello"), ("private", "secret")):
            ssm.StringParameter(
                self.stack,
                f"{visibility.title()}Parameter",
                parameter_name=f"/{self.stack_name}/{visibility}/greeting",
                string_value=value,
            )
        CfnOutput(self.stack, "ParameterPrefix", value=f"/{self.stack_name}")

    def _create_api(self, target: Function) -> None:
        api = apigw.RestApi(self.stack, "Api", deploy_options=apigw.StageOptions(stage_name="dev"))
        # LambdaIntegration adds a Lambda permission scoped (aws:SourceArn) to this method only
        api.root.add_resource("allowed").add_method(
            "GET", apigw.LambdaIntegration(target, allow_test_invoke=False)
        )
        # the same function with no permission of its own: API Gateway may not invoke it from here
        unpermitted = apigw.Integration(
            type=apigw.IntegrationType.AWS_PROXY,
            integration_http_method="POST",
            uri=f"arn:aws:apigateway:{self.stack.region}:lambda:path/2015-03-31/functions/{target.function_arn}/invocations",
        )
        api.root.add_resource("other").add_method("GET", unpermitted)
        CfnOutput(self.stack, "ApiUrl", value=api.url)
