"""The parameters feature's stack: SSM parameters and an AppConfig freeform configuration, deployed."""

from __future__ import annotations

import json

from aws_cdk import CfnOutput, Fn
from aws_cdk import aws_appconfig as appconfig
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from aws_cdk.aws_lambda import Function

from fogbank.infrastructure import BaseInfrastructure

# What the AppConfig freeform profile holds; test_parameters.py expects exactly this
APPCONFIG_CONTENT = {"save_history": {"default": True}, "max_items": 25}
SSM_PARAMETER_VALUES = ("Lambda Powertools", "fogbank", "e2e")


class ParametersStack(BaseInfrastructure):
    def create_resources(self) -> None:
        functions = self.create_lambda_functions()
        self._create_ssm_parameters(function=functions["ParameterSsmGetParametersByName"])
        self._create_app_config(function=functions["ParameterAppconfigFreeformHandler"])

    def _create_ssm_parameters(self, function: Function) -> None:
        names = []
        for index, value in enumerate(SSM_PARAMETER_VALUES):
            # names unique per stack (the stack name is unique per run), so parallel runs never collide
            parameter = ssm.StringParameter(
                self.stack,
                f"Parameter{index}",
                parameter_name=f"/{self.stack_name}/param{index}",
                string_value=value,
            )
            parameter.grant_read(function)
            names.append(parameter.parameter_name)
        CfnOutput(self.stack, "ParameterNames", value=Fn.join(",", names))

    def _create_app_config(self, function: Function) -> None:
        application = appconfig.CfnApplication(self.stack, "Application", name=f"{self.stack_name}-app")
        environment = appconfig.CfnEnvironment(
            self.stack, "Environment", application_id=application.ref, name="e2e"
        )
        strategy = appconfig.CfnDeploymentStrategy(
            self.stack,
            "DeploymentStrategy",
            name=f"{self.stack_name}-all-at-once",
            deployment_duration_in_minutes=0,
            final_bake_time_in_minutes=0,
            growth_factor=100,
            growth_type="LINEAR",
            replicate_to="NONE",
        )
        profile = appconfig.CfnConfigurationProfile(
            self.stack,
            "ConfigurationProfile",
            application_id=application.ref,
            location_uri="hosted",
            type="AWS.Freeform",
            name="freeform",
        )
        version = appconfig.CfnHostedConfigurationVersion(
            self.stack,
            "HostedConfigurationVersion",
            application_id=application.ref,
            configuration_profile_id=profile.ref,
            content=json.dumps(APPCONFIG_CONTENT),
            content_type="application/json",
        )
        appconfig.CfnDeployment(
            self.stack,
            "Deployment",
            application_id=application.ref,
            configuration_profile_id=profile.ref,
            configuration_version=version.ref,
            deployment_strategy_id=strategy.ref,
            environment_id=environment.ref,
        )
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"],
                resources=["*"],
            )
        )
        CfnOutput(self.stack, "AppConfigApplication", value=application.name)
        CfnOutput(self.stack, "AppConfigEnvironment", value=environment.name)
        CfnOutput(self.stack, "AppConfigProfile", value=profile.name)
