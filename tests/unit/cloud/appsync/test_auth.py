"""AppSync's request authorization: API keys with expiry, SigV4 for AWS_IAM, AppSync's 401 shape otherwise."""

import json
from datetime import UTC, datetime

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.cloud.appsync.auth import authorize
from fogbank.cloud.appsync.model import ApiKeyModel, GraphqlApiModel
from fogbank.cloud.frontdoors.http import HttpRequest

HOST = "abc.appsync-api.us-east-1.amazonaws.com"
BODY = b'{"query": "{ a }"}'


def _api(*modes: str) -> GraphqlApiModel:
    api = GraphqlApiModel("abc", "demo", "us-east-1", "123456789012", auth_modes=modes)
    api.api_keys["da2-valid"] = ApiKeyModel("da2-valid", expires=2_000_000_000)
    api.api_keys["da2-old"] = ApiKeyModel("da2-old", expires=1_000_000_000)
    return api


def _request(*headers: tuple[str, str]) -> HttpRequest:
    return HttpRequest("POST", "/graphql", "", [("Host", HOST), *headers], BODY, scheme="https", port=443)


def _signed(secret: str = "testing") -> HttpRequest:
    aws = AWSRequest(method="POST", url=f"https://{HOST}/graphql", data=BODY, headers={"Host": HOST})
    aws.context["timestamp"] = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    SigV4Auth(Credentials("testing", secret), "appsync", "us-east-1").add_auth(aws)
    return _request(*[(k, v) for k, v in aws.headers.items() if k.lower() != "host"])


def _error(decision) -> tuple[int, str, str]:
    body = json.loads(decision.rejection.body)["errors"][0]
    return decision.rejection.status, body["errorType"], body["message"]


def test_api_keys():
    # GIVEN an API-key API
    api = _api("API_KEY")

    # WHEN requests carry a valid, an expired, an unknown and no key
    valid = authorize(api, _request(("x-api-key", "da2-valid")), now=1_500_000_000)
    expired = authorize(api, _request(("x-api-key", "da2-old")), now=1_500_000_000)
    unknown = authorize(api, _request(("x-api-key", "da2-nope")), now=1_500_000_000)
    missing = authorize(api, _request(), now=1_500_000_000)

    # THEN only the valid one passes, with no identity; the others get AppSync's 401
    assert (valid.mode, valid.identity, valid.rejection) == ("API_KEY", None, None)
    assert _error(expired) == (401, "UnauthorizedException", "API key has expired.")
    assert _error(unknown) == (401, "UnauthorizedException", "You are not authorized to make this call.")
    assert _error(missing)[:2] == (401, "UnauthorizedException")


def test_iam_signatures():
    # GIVEN an API with API_KEY as default and AWS_IAM as additional mode
    api = _api("API_KEY", "AWS_IAM")

    # WHEN a correctly signed and a wrongly signed request arrive
    good = authorize(api, _signed())
    bad = authorize(api, _signed(secret="wrong"))

    # THEN the good one is the caller, with AppSync's IAM identity fields; the bad one is refused
    assert good.mode == "AWS_IAM"
    assert good.identity is not None
    assert good.identity["accountId"] == "123456789012" and good.identity["userArn"].startswith(
        "arn:aws:iam::"
    )
    assert good.identity["sourceIp"] == ["127.0.0.1"]
    assert _error(bad)[:2] == (401, "UnauthorizedException")


def test_a_mode_the_api_lacks_is_refused():
    # GIVEN an IAM-only API / WHEN an API key is presented / THEN it is refused
    assert _error(authorize(_api("AWS_IAM"), _request(("x-api-key", "da2-valid"))))[0] == 401
