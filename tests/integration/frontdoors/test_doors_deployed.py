"""Lambda's four front doors deployed from one CDK stack to a LocalCloud, called at the URLs in its outputs.

The stack (conftest.py) is synthesized by aws_cdk and deployed through fogbank.deploy; the handlers are
aws-lambda-powertools resolvers in Lambda workers. Requests go out with `requests` to the output URLs,
unmodified. Nothing is mocked.
"""

from __future__ import annotations

import hashlib

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.auth import build_iam_auth
from fogbank.cloud import LocalCloud

pytestmark = pytest.mark.slow

STACK_NAME, API_KEY = "frontdoors-deployed", "local-frontdoor-key-0123456789"  # as in conftest.py
PNG = b"\x89PNG\r\n\x1a\n\x00\xff\xfe"
BINARY = bytes(range(256))
TIMEOUT = 60


def _alb(outputs: dict[str, str], port: int) -> str:
    return f"http://{outputs['AlbDns']}:{port}"


# -- ALB ------------------------------------------------------------------------------------------------------
def test_alb_dns_name_is_what_describe_load_balancers_says(
    deployed: dict[str, str], cloud: LocalCloud
) -> None:
    # WHEN the ELBv2 API is asked about the stack's load balancer
    balancer = cloud.client("elbv2").describe_load_balancers(LoadBalancerArns=[deployed["AlbArn"]])
    # THEN its DNSName is the address the listeners answer on
    assert balancer["LoadBalancers"][0]["DNSName"] == deployed["AlbDns"]
    assert deployed["AlbDns"].startswith("127.")


def test_alb_single_value_headers_cookies_and_query(deployed: dict[str, str]) -> None:
    # GIVEN the listener whose target group has multi-value headers off
    url = _alb(deployed, 8080) + "/hello"
    # WHEN a request with a header, two cookies and a repeated query parameter arrives
    response = requests.get(
        url,
        params=[("q", "x"), ("tag", "a"), ("tag", "b")],
        headers={"X-Who": "alb"},
        cookies={"c": "1", "d": "2"},
        timeout=TIMEOUT,
    )
    # THEN the resolver saw them; single values keep the last one, as ALB does
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["who"], body["q"], body["cookies"], body["path"]) == ("alb", "x", ["c=1", "d=2"], "/hello")
    assert response.headers["X-Multi"] == "b"


def test_alb_multi_value_headers_and_host_rule(deployed: dict[str, str]) -> None:
    # GIVEN the listener whose target group has lambda.multi_value_headers.enabled
    url = _alb(deployed, 8081) + "/hello"
    # WHEN a repeated query parameter is sent, and a request carries the host a rule answers
    response = requests.get(url, params=[("tag", "a"), ("tag", "b")], timeout=TIMEOUT)
    by_host = requests.get(url, headers={"Host": "fixed.example"}, timeout=TIMEOUT)
    # THEN both values travel both ways, and the rule answered without the function
    assert response.status_code == 200, response.text
    assert response.json()["tags"] == ["a", "b"]
    assert response.raw.headers.getlist("X-Multi") == ["a", "b"]
    assert sorted(response.raw.headers.getlist("Set-Cookie")) == ["s=1", "t=2"]
    assert (by_host.status_code, by_host.text) == (202, "by host")


def test_alb_rule_not_found_empty_and_binary(deployed: dict[str, str]) -> None:
    base = _alb(deployed, 8080)
    # WHEN calling the fixed-response path, a path the resolver lacks, a body-less route, binary both ways,
    # and a route whose handler raises
    teapot = requests.get(base + "/teapot/pot", timeout=TIMEOUT)
    missing = requests.get(base + "/nowhere", timeout=TIMEOUT)
    empty = requests.get(base + "/empty", timeout=TIMEOUT)
    image = requests.get(base + "/image", timeout=TIMEOUT)
    echo = requests.post(
        base + "/echo", data=BINARY, headers={"Content-Type": "application/octet-stream"}, timeout=TIMEOUT
    )
    failed = requests.get(base + "/boom", timeout=TIMEOUT)
    # THEN each is answered as AWS answers it
    assert (teapot.status_code, teapot.text, teapot.headers["Content-Type"]) == (
        418,
        "short and stout",
        "text/plain",
    )
    assert missing.status_code == 404
    assert empty.status_code == 204 and empty.content == b""
    assert image.content == PNG and image.headers["Content-Type"] == "image/png"
    assert echo.json() == {"base64": True, "sha256": hashlib.sha256(BINARY).hexdigest()}
    assert failed.status_code == 502 and "502 Bad Gateway" in failed.text  # a function error is ALB's 502


# -- REST API ---------------------------------------------------------------------------------------------------
def test_rest_api_proxy_headers_cookies_and_cors(deployed: dict[str, str]) -> None:
    url = deployed["RestUrl"] + "hello"
    # WHEN calling the proxy resource with a header, cookies, and from an allowed and a foreign origin
    response = requests.get(
        url,
        params={"q": "1"},
        headers={"X-Who": "rest", "Origin": "https://app.example"},
        cookies={"c": "2"},
        timeout=TIMEOUT,
    )
    foreign = requests.get(url, headers={"Origin": "https://evil.example"}, timeout=TIMEOUT)
    # THEN the resolver saw them, multi-value answers arrive whole, CORS follows the resolver's CORSConfig
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["who"], body["q"], body["cookies"], body["path"]) == ("rest", "1", ["c=2"], "/hello")
    assert response.raw.headers.getlist("X-Multi") == ["a", "b"]
    assert sorted(response.raw.headers.getlist("Set-Cookie")) == ["s=1", "t=2"]
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert foreign.status_code == 200 and "Access-Control-Allow-Origin" not in foreign.headers


def test_rest_api_not_found_empty_binary_and_mock(deployed: dict[str, str]) -> None:
    base = deployed["RestUrl"]
    # WHEN calling a path the resolver lacks, a body-less route, a binary media type, and the MOCK method
    missing = requests.get(base + "nowhere", timeout=TIMEOUT)
    empty = requests.get(base + "empty", timeout=TIMEOUT)
    image = requests.get(base + "image", headers={"Accept": "image/png"}, timeout=TIMEOUT)
    mock = requests.get(base + "mock", timeout=TIMEOUT)
    # THEN the answers are the resolver's and the mock's own
    assert missing.status_code == 404
    assert empty.status_code == 204 and empty.content == b""
    assert image.content == PNG
    assert (mock.status_code, mock.json(), mock.headers["X-Mock"]) == (200, {"mocked": True}, "yes")


def test_rest_api_iam_and_api_key(deployed: dict[str, str]) -> None:
    secure, keyed = deployed["RestUrl"] + "secure", deployed["RestUrl"] + "keyed"
    # WHEN the IAM method is called unsigned and signed, and the API-key method without and with the key
    unsigned = requests.get(secure, timeout=TIMEOUT)
    signed = requests.get(secure, auth=build_iam_auth(url=secure, aws_service="execute-api"), timeout=TIMEOUT)
    no_key = requests.get(keyed, timeout=TIMEOUT)
    with_key = requests.get(keyed, headers={"x-api-key": API_KEY}, timeout=TIMEOUT)
    # THEN only the signed and keyed calls reach the function (which has no /keyed route: 404 from powertools)
    assert (unsigned.status_code, unsigned.json()) == (403, {"message": "Missing Authentication Token"})
    assert signed.status_code == 200 and signed.json() == {"caller": "testing"}
    assert (no_key.status_code, no_key.json()) == (403, {"message": "Forbidden"})
    assert with_key.status_code == 404


def test_session_send_trusts_the_local_ca(deployed: dict[str, str]) -> None:
    # GIVEN a prepared request sent with Session.send, which skips REQUESTS_CA_BUNDLE (the seed's data_fetcher)
    prepared = requests.Request("GET", deployed["RestUrl"] + "hello").prepare()
    # WHEN it is sent to the API's AWS URL
    with requests.Session() as session:
        response = session.send(prepared, timeout=TIMEOUT)
    # THEN TLS verifies against the local CA and the API answers
    assert response.status_code == 200 and response.json()["path"] == "/hello"


# -- HTTP API ---------------------------------------------------------------------------------------------------
def test_http_api_payload_2_cookies_headers_and_binary(deployed: dict[str, str]) -> None:
    base = deployed["HttpUrl"]
    # WHEN calling the $default stage's proxy route with cookies, a header, and a binary body
    hello = requests.get(
        base + "hello",
        params={"q": "z"},
        headers={"X-Who": "http"},
        cookies={"c": "3", "d": "4"},
        timeout=TIMEOUT,
    )
    echo = requests.post(
        base + "echo", data=BINARY, headers={"Content-Type": "application/octet-stream"}, timeout=TIMEOUT
    )
    empty = requests.get(base + "empty", timeout=TIMEOUT)
    image = requests.get(base + "image", timeout=TIMEOUT)
    # THEN cookies came in the event's cookies, the body base64-encoded, and answers map back
    assert hello.status_code == 200, hello.text
    assert (hello.json()["cookies"], hello.json()["who"], hello.json()["q"]) == (["c=3", "d=4"], "http", "z")
    assert sorted(hello.raw.headers.getlist("Set-Cookie")) == ["s=1", "t=2"]
    assert hello.headers["X-Multi"] == "a, b"  # powertools joins multi-value headers for payload 2.0
    assert echo.json() == {"base64": True, "sha256": hashlib.sha256(BINARY).hexdigest()}
    assert empty.status_code == 204 and empty.content == b""
    assert image.content == PNG


def test_http_api_payload_1_route_and_not_found(deployed: dict[str, str]) -> None:
    base = deployed["HttpUrl"]
    # WHEN calling the payload 1.0 route, a method only the ANY /{proxy+} route takes, and the root no route has
    v1 = requests.get(base + "v1/hello", params=[("tag", "a"), ("tag", "b")], timeout=TIMEOUT)
    other_route = requests.post(base + "v1/hello", timeout=TIMEOUT)
    unrouted = requests.get(base, timeout=TIMEOUT)
    # THEN the v1 event had multi-value query strings and the full path; POST went to the payload 2.0
    # function (powertools' own 404 body); the root is the HTTP API's 404
    assert v1.status_code == 200, v1.text
    assert v1.json()["tags"] == ["a", "b"] and v1.json()["path"] == "/v1/hello"
    assert (other_route.status_code, other_route.json()) == (404, {"statusCode": 404, "message": "Not found"})
    assert (unrouted.status_code, unrouted.json()) == (404, {"message": "Not Found"})


def test_http_api_iam_route(deployed: dict[str, str]) -> None:
    url = deployed["HttpUrl"] + "secure"
    # WHEN the IAM route is called unsigned, with a wrong secret, and signed by fogbank.auth
    unsigned = requests.get(url, timeout=TIMEOUT)
    wrong = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials("testing", "not-the-secret"), "execute-api", "us-east-1").add_auth(wrong)
    mismatched = requests.get(url, headers=dict(wrong.headers.items()), timeout=TIMEOUT)
    signed = requests.get(url, auth=build_iam_auth(url=url, aws_service="execute-api"), timeout=TIMEOUT)
    slash = requests.get(url + "/", timeout=TIMEOUT)
    # THEN only the signed call reaches the function, with the caller's access key in the event
    assert (unsigned.status_code, unsigned.json()) == (403, {"message": "Forbidden"})
    # AND "/secure/" is not the route "GET /secure" on an HTTP API: ANY /{proxy+} takes it (powertools' 404)
    assert (slash.status_code, slash.json()) == (404, {"statusCode": 404, "message": "Not found"})
    assert mismatched.status_code == 403 and "signature" in mismatched.json()["message"].lower()
    assert signed.status_code == 200 and signed.json() == {"caller": "testing"}


# -- Function URLs ----------------------------------------------------------------------------------------------
def test_function_url_cors_and_paths(deployed: dict[str, str]) -> None:
    base = deployed["PublicUrl"]
    # WHEN a browser preflights and calls from the allowed origin and from a foreign one
    preflight = requests.options(
        base + "hello",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
        timeout=TIMEOUT,
    )
    allowed = requests.get(
        base + "hello", headers={"Origin": "https://app.example"}, cookies={"c": "5"}, timeout=TIMEOUT
    )
    foreign = requests.get(base + "hello", headers={"Origin": "https://evil.example"}, timeout=TIMEOUT)
    missing = requests.get(base + "nowhere", timeout=TIMEOUT)
    image = requests.get(base + "image", timeout=TIMEOUT)
    # THEN the URL's Cors settings decide, every path reaches the function, binary answers decode
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert allowed.status_code == 200 and allowed.json()["cookies"] == ["c=5"]
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert foreign.status_code == 200 and "Access-Control-Allow-Origin" not in foreign.headers
    assert missing.status_code == 404 and image.content == PNG


def test_function_url_iam(deployed: dict[str, str]) -> None:
    url = deployed["IamUrl"] + "secure"
    # WHEN the IAM-protected URL is called unsigned and signed
    unsigned = requests.get(url, timeout=TIMEOUT)
    signed = requests.get(url, auth=build_iam_auth(url=url, aws_service="lambda"), timeout=TIMEOUT)
    # THEN Lambda's 403, then the function's answer
    assert (unsigned.status_code, unsigned.json()) == (403, {"Message": "Forbidden"})
    assert signed.status_code == 200, signed.text


# -- the stack's resources --------------------------------------------------------------------------------------
def test_stack_holds_the_resources_of_every_door(deployed: dict[str, str], cloud: LocalCloud) -> None:
    # WHEN listing the deployed stack's resources
    summaries = cloud.client("cloudformation").list_stack_resources(StackName=STACK_NAME)[
        "StackResourceSummaries"
    ]
    types = {summary["ResourceType"] for summary in summaries}
    # THEN every provider took part, and its VPC is in the EC2 state
    expected = {
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::SecurityGroup",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGateway::Account",
        "AWS::ApiGateway::UsagePlan",
        "AWS::ApiGatewayV2::Api",
        "AWS::ApiGatewayV2::Stage",
        "AWS::ApiGatewayV2::Integration",
        "AWS::ApiGatewayV2::Route",
        "AWS::Lambda::Url",
    }
    assert expected <= types, sorted(expected - types)
    vpcs = cloud.client("ec2").describe_vpcs(VpcIds=[deployed["OwnVpcId"]])["Vpcs"]
    assert vpcs[0]["CidrBlock"] == "10.0.0.0/16"


def test_stack_with_vpc_and_doors_deletes_cleanly(deployed: dict[str, str], cloud: LocalCloud) -> None:
    from fogbank.deploy import delete_stack, resolve_target

    # WHEN the stack is deleted (the fixture's teardown then finds nothing left to delete)
    delete_stack(resolve_target("local", endpoint=cloud.endpoint), STACK_NAME)
    # THEN its VPC, load balancer and APIs are gone, and the doors no longer answer
    ec2, elbv2 = cloud.client("ec2"), cloud.client("elbv2")
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [deployed["OwnVpcId"]]}])["Vpcs"] == []
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []
    assert cloud.client("apigateway").get_rest_apis()["items"] == []
    assert cloud.client("apigatewayv2").get_apis()["Items"] == []
    with pytest.raises(requests.ConnectionError):
        requests.get(_alb(deployed, 8080) + "/hello", timeout=5)
    assert requests.get(deployed["RestUrl"] + "hello", timeout=TIMEOUT).status_code == 404
