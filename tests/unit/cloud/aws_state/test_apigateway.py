"""Forgetting a REST API deployment in moto's state: refused while a stage still serves it, as on AWS."""

from __future__ import annotations

import pytest

from fogbank.cloud.aws_state.apigateway import forget_deployment

from ..conftest import ACCOUNT, Clients


def test_a_deployment_no_stage_serves_is_forgotten_and_a_served_one_is_refused(aws: Clients) -> None:
    # GIVEN a REST API with a method, a deployment serving stage prod, and a newer one serving none
    api = aws("apigateway")
    api_id = api.create_rest_api(name="shop")["id"]
    root = api.get_resources(restApiId=api_id)["items"][0]["id"]
    api.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    api.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    served = api.create_deployment(restApiId=api_id, stageName="prod")["id"]
    spare = api.create_deployment(restApiId=api_id)["id"]

    # WHEN the served one is forgotten THEN it is refused, naming the stage and the next step
    with pytest.raises(ValueError, match=r"still serves stage prod; point the stage at another deployment"):
        forget_deployment(api_id, served, account_id=ACCOUNT, region="us-east-1")

    # WHEN the spare one is forgotten THEN the API no longer lists it; forgetting it again changes nothing
    forget_deployment(api_id, spare, account_id=ACCOUNT, region="us-east-1")
    forget_deployment(api_id, spare, account_id=ACCOUNT, region="us-east-1")
    assert [d["id"] for d in api.get_deployments(restApiId=api_id)["items"]] == [served]


def test_an_api_that_does_not_exist_has_nothing_to_forget(aws: Clients) -> None:
    # WHEN a deployment of a deleted API is forgotten THEN nothing happens (delete is idempotent)
    forget_deployment("nope", "dep", account_id=ACCOUNT, region="us-east-1")
