"""A CDK app with Lambda's four front doors, synthesized here and deployed to a LocalCloud through fogbank.deploy.

Nothing is mocked: aws_cdk synthesizes the stack (with the default VPC looked up on the local cloud through
fogbank's context lookups), fogbank.deploy publishes the assets and runs CreateStack, the providers create the
resources, and the functions run as Lambda workers with aws-lambda-powertools shipped in a layer zipped from
this interpreter's site-packages.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud

HANDLERS = Path(__file__).with_name("handlers")
STACK_NAME = "frontdoors-deployed"
API_KEY = "local-frontdoor-key-0123456789"
LAYER_PACKAGES = ("aws_lambda_powertools", "jmespath", "typing_extensions.py")


def _powertools_layer(folder: Path) -> Path:
    """A layer folder (`python/...`) with powertools and its dependencies, copied from site-packages."""
    import aws_lambda_powertools

    site = Path(aws_lambda_powertools.__file__).parent.parent
    target = folder / "python"
    target.mkdir(parents=True)
    for name in LAYER_PACKAGES:
        source = site / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return folder


def build_stack(app: Any, layer_dir: Path) -> None:
    """The front doors: ALB (default VPC, two listeners, rules), REST API, HTTP API, two Function URLs."""
    import aws_cdk as cdk
    from aws_cdk import aws_apigateway as rest
    from aws_cdk import aws_apigatewayv2 as http
    from aws_cdk import aws_apigatewayv2_authorizers as http_auth
    from aws_cdk import aws_apigatewayv2_integrations as http_integrations
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_elasticloadbalancingv2 as elbv2
    from aws_cdk import aws_elasticloadbalancingv2_targets as targets
    from aws_cdk import aws_lambda as lambda_

    stack = cdk.Stack(
        app,
        "FrontDoors",
        env=cdk.Environment(account="123456789012", region="us-east-1"),
        synthesizer=cdk.CliCredentialsStackSynthesizer(),
    )
    layer = lambda_.LayerVersion(stack, "Powertools", code=lambda_.Code.from_asset(str(layer_dir)))
    code = lambda_.Code.from_asset(str(HANDLERS))

    def function(name: str, module: str) -> lambda_.Function:
        return lambda_.Function(
            stack,
            name,
            runtime=lambda_.Runtime.PYTHON_3_11,
            handler=f"{module}.handler",
            code=code,
            layers=[layer],
            timeout=cdk.Duration.seconds(30),
        )

    def output(name: str, value: str) -> None:
        cdk.CfnOutput(stack, name, value=value)

    # ALB in the default VPC: single-value headers on 8080 (plus a path rule), multi-value on 8081 (plus a host rule)
    alb_function = function("AlbHandler", "alb")
    vpc = ec2.Vpc.from_lookup(stack, "DefaultVpc", is_default=True)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    basic = alb.add_listener("Basic", port=8080, protocol=elbv2.ApplicationProtocol.HTTP, open=True)
    basic.add_targets("BasicTarget", targets=[targets.LambdaTarget(alb_function)])
    basic.add_action(
        "Teapot",
        priority=5,
        conditions=[elbv2.ListenerCondition.path_patterns(["/teapot*"])],
        action=elbv2.ListenerAction.fixed_response(
            418, content_type="text/plain", message_body="short and stout"
        ),
    )
    multi = alb.add_listener("Multi", port=8081, protocol=elbv2.ApplicationProtocol.HTTP, open=True)
    group = multi.add_targets("MultiTarget", targets=[targets.LambdaTarget(alb_function)])
    group.set_attribute("lambda.multi_value_headers.enabled", "true")
    multi.add_action(
        "ByHost",
        priority=3,
        conditions=[elbv2.ListenerCondition.host_headers(["fixed.example"])],
        action=elbv2.ListenerAction.fixed_response(202, content_type="text/plain", message_body="by host"),
    )
    output("AlbDns", alb.load_balancer_dns_name)
    output("AlbArn", alb.load_balancer_arn)

    # REST API: proxy to the function, an IAM method, an API-key method, a MOCK method
    rest_api = rest.RestApi(
        stack, "Rest", deploy_options=rest.StageOptions(stage_name="dev"), binary_media_types=["image/png"]
    )
    integration = rest.LambdaIntegration(function("RestHandler", "rest"))
    rest_api.root.add_proxy(default_integration=integration, any_method=True)
    rest_api.root.add_resource("secure").add_method(
        "GET", integration, authorization_type=rest.AuthorizationType.IAM
    )
    rest_api.root.add_resource("keyed").add_method("GET", integration, api_key_required=True)
    rest_api.root.add_resource("mock").add_method(
        "GET",
        rest.MockIntegration(
            request_templates={"application/json": '{"statusCode": 200}'},
            integration_responses=[
                rest.IntegrationResponse(
                    status_code="200",
                    response_templates={"application/json": '{"mocked": true}'},
                    response_parameters={"method.response.header.X-Mock": "'yes'"},
                )
            ],
        ),
        method_responses=[
            rest.MethodResponse(
                status_code="200", response_parameters={"method.response.header.X-Mock": True}
            )
        ],
    )
    key = rest_api.add_api_key("Key", value=API_KEY)
    plan = rest_api.add_usage_plan(
        "Plan", api_stages=[rest.UsagePlanPerApiStage(api=rest_api, stage=rest_api.deployment_stage)]
    )
    plan.add_api_key(key)
    output("RestUrl", rest_api.url)

    # HTTP API: $default stage, payload 2.0 proxy, an IAM route, a payload 1.0 route
    http_api = http.HttpApi(stack, "Http")
    http_api.add_routes(
        path="/{proxy+}",
        methods=[http.HttpMethod.ANY],
        integration=http_integrations.HttpLambdaIntegration("Proxy", function("HttpHandler", "http_api")),
    )
    http_api.add_routes(
        path="/secure",
        methods=[http.HttpMethod.GET],
        integration=http_integrations.HttpLambdaIntegration(
            "Secure", function("HttpSecureHandler", "http_api")
        ),
        authorizer=http_auth.HttpIamAuthorizer(),
    )
    http_api.add_routes(
        path="/v1/{proxy+}",
        methods=[http.HttpMethod.GET],
        integration=http_integrations.HttpLambdaIntegration(
            "V1",
            function("HttpV1Handler", "http_api_v1"),
            payload_format_version=http.PayloadFormatVersion.VERSION_1_0,
        ),
    )
    output("HttpUrl", http_api.url or "")

    # Function URLs: public with CORS, and IAM-protected
    public_url = function("UrlHandler", "url").add_function_url(
        auth_type=lambda_.FunctionUrlAuthType.NONE,
        cors=lambda_.FunctionUrlCorsOptions(
            allowed_origins=["https://app.example"],
            allowed_methods=[lambda_.HttpMethod.GET, lambda_.HttpMethod.POST],
        ),
    )
    iam_url = function("UrlIamHandler", "url").add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)
    output("PublicUrl", public_url.url)
    output("IamUrl", iam_url.url)

    # a VPC of the stack's own (public and isolated subnets, internet gateway, routes), deleted with the stack
    own = ec2.Vpc(
        stack,
        "OwnVpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )
    ec2.SecurityGroup(stack, "OwnGroup", vpc=own).add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443))
    output("OwnVpcId", own.vpc_id)


def synthesize(outdir: Path, layer_dir: Path, cloud: LocalCloud) -> Path:
    """Synthesize; when the assembly lists missing context (Vpc.from_lookup), resolve it and synthesize again."""
    import aws_cdk as cdk

    from fogbank.deploy.lookups import resolve_missing_context
    from fogbank.deploy.targets import resolve_target

    context: dict[str, Any] = {}
    for attempt in range(2):
        assembly = outdir / f"round{attempt}"  # a fresh folder: CDK stages each asset once per folder
        app = cdk.App(outdir=str(assembly), context=context)
        build_stack(app, layer_dir)
        app.synth()
        missing = json.loads((assembly / "manifest.json").read_text()).get("missing") or []
        if not missing:
            return assembly
        context.update(resolve_missing_context(resolve_target("local", endpoint=cloud.endpoint), missing))
    raise AssertionError(f"context still missing after a lookup: {missing}")


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


@pytest.fixture(scope="module")
def deployed(cloud: LocalCloud, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The stack's outputs; the stack is deleted afterwards (and a failed delete fails the teardown)."""
    from fogbank.deploy import delete_stack, deploy_stack, resolve_target
    from fogbank.deploy.stacks import stack_status

    layer_dir = _powertools_layer(tmp_path_factory.mktemp("layer"))
    assembly = synthesize(tmp_path_factory.mktemp("cdk"), layer_dir, cloud)
    target = resolve_target("local", endpoint=cloud.endpoint)
    outputs = deploy_stack(target, assembly, STACK_NAME)
    try:
        with pytest.MonkeyPatch.context() as env:  # the credentials build_iam_auth signs with, as on AWS
            for name, value in cloud.env().items():
                env.setenv(name, value)
            yield outputs
    finally:
        if stack_status(target, STACK_NAME) is not None:  # a test may have deleted it already
            delete_stack(target, STACK_NAME)
