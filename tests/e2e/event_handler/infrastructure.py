"""The event_handler feature's stack: one function behind each of Lambda's four HTTP front doors.

- an Application Load Balancer in the default VPC, with two listeners: plain headers and multi-value headers;
- an API Gateway REST API (stage `dev`);
- an API Gateway HTTP API protected by IAM;
- a Lambda Function URL protected by IAM.

Listener ports are above 1024, so that a non-root user can run the same stack on the local cloud.
"""

from __future__ import annotations

from aws_cdk import CfnOutput
from aws_cdk import aws_apigateway as apigwv1
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as apigwv2_authorizers
from aws_cdk import aws_apigatewayv2_integrations as apigwv2_integrations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as targets
from aws_cdk.aws_lambda import Function, FunctionUrlAuthType

from fogbank.infrastructure import BaseInfrastructure


class EventHandlerStack(BaseInfrastructure):
    def create_resources(self) -> None:
        functions = self.create_lambda_functions()

        self._create_alb(function=functions["AlbHandler"])
        self._create_api_gateway_rest(function=functions["ApiGatewayRestHandler"])
        self._create_api_gateway_http(function=functions["ApiGatewayHttpHandler"])
        self._create_lambda_function_url(function=functions["LambdaFunctionUrlHandler"])

    def _create_alb(self, function: Function) -> None:
        vpc = ec2.Vpc.from_lookup(self.stack, "VPC", is_default=True)

        alb = elbv2.ApplicationLoadBalancer(self.stack, "ALB", vpc=vpc, internet_facing=True)
        CfnOutput(self.stack, "ALBDnsName", value=alb.load_balancer_dns_name)

        self._create_alb_listener(alb=alb, name="Basic", port=8080, function=function)
        self._create_alb_listener(
            alb=alb,
            name="MultiValueHeader",
            port=8081,
            function=function,
            attributes={"lambda.multi_value_headers.enabled": "true"},
        )

    def _create_alb_listener(
        self,
        alb: elbv2.ApplicationLoadBalancer,
        name: str,
        port: int,
        function: Function,
        attributes: dict[str, str] | None = None,
    ) -> None:
        listener = alb.add_listener(name, port=port, protocol=elbv2.ApplicationProtocol.HTTP)
        target = listener.add_targets(f"ALB{name}Target", targets=[targets.LambdaTarget(function)])
        for key, value in (attributes or {}).items():
            target.set_attribute(key, value)
        CfnOutput(self.stack, f"ALB{name}ListenerPort", value=str(port))

    def _create_api_gateway_rest(self, function: Function) -> None:
        apigw = apigwv1.RestApi(
            self.stack, "APIGatewayRest", deploy_options=apigwv1.StageOptions(stage_name="dev")
        )
        integration = apigwv1.LambdaIntegration(function, proxy=True)
        todos = apigw.root.add_resource("todos")
        todos.add_method("GET", integration)
        todos.add_method("POST", integration)
        apigw.root.add_resource("empty").add_method("GET", integration)

        CfnOutput(self.stack, "APIGatewayRestUrl", value=apigw.url)

    def _create_api_gateway_http(self, function: Function) -> None:
        apigw = apigwv2.HttpApi(
            self.stack,
            "APIGatewayHTTP",
            create_default_stage=True,
            default_authorizer=apigwv2_authorizers.HttpIamAuthorizer(),
        )
        integration = apigwv2_integrations.HttpLambdaIntegration("TodosIntegration", function)
        apigw.add_routes(
            path="/todos", methods=[apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST], integration=integration
        )
        apigw.add_routes(path="/empty", methods=[apigwv2.HttpMethod.GET], integration=integration)

        CfnOutput(self.stack, "APIGatewayHTTPUrl", value=apigw.url or "")

    def _create_lambda_function_url(self, function: Function) -> None:
        function_url = function.add_function_url(auth_type=FunctionUrlAuthType.AWS_IAM)
        CfnOutput(self.stack, "LambdaFunctionUrl", value=function_url.url)
