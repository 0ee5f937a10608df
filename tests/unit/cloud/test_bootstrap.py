"""A fresh account's bootstrap: the stable default VPC, and AWS managed policies that exist when named."""

from __future__ import annotations

from pathlib import Path

from fogbank.cloud.bootstrap import AccountBootstrap
from fogbank.cloud.router import AwsRequest, AwsRouter
from fogbank.cloud.site import CloudSite

from .conftest import ACCOUNT, Clients, lambda_role

BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def test_start_makes_the_default_vpc_and_managed_policies_exist_when_a_request_names_one(
    tmp_path: Path, aws: Clients
) -> None:
    # GIVEN a started bootstrap on a real router
    router = AwsRouter(lambda environ, start_response: [])
    bootstrap = AccountBootstrap(CloudSite("http://127.0.0.1:9", tmp_path, region="us-east-1"), router)
    bootstrap.start()

    # THEN the default VPC is EC2's default one
    defaults = aws("ec2").describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert [vpc["VpcId"] for vpc in defaults] == [bootstrap.default_vpc_id]

    # WHEN an AttachRolePolicy naming Lambda's basic policy goes through the router (moto answers it after)
    role = lambda_role(aws, "Worker")
    form = f"Action=AttachRolePolicy&Version=2010-05-08&RoleName=Worker&PolicyArn={BASIC}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = router.dispatch(AwsRequest.build("POST", "/", headers, form, service="iam"))

    # THEN the hook never answers, but the policy now exists, so moto's attach succeeds as on AWS
    assert answer is None
    assert aws("iam").get_policy(PolicyArn=BASIC)["Policy"]["PolicyName"] == "AWSLambdaBasicExecutionRole"
    aws("iam").attach_role_policy(RoleName="Worker", PolicyArn=BASIC)
    attached = aws("iam").list_attached_role_policies(RoleName="Worker")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [BASIC] and role.endswith("role/Worker")
    bootstrap.stop()


def test_a_customer_policy_arn_is_left_alone(tmp_path: Path, aws: Clients) -> None:
    # GIVEN a started bootstrap
    router = AwsRouter(lambda environ, start_response: [])
    AccountBootstrap(CloudSite("http://127.0.0.1:9", tmp_path), router).start()
    # WHEN a request names a customer policy that does not exist THEN nothing is created for it
    mine = f"arn:aws:iam::{ACCOUNT}:policy/mine"
    form = f"Action=GetPolicy&Version=2010-05-08&PolicyArn={mine}".encode()
    router.dispatch(
        AwsRequest.build(
            "POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, form, service="iam"
        )
    )
    assert aws("iam").list_policies(Scope="Local")["Policies"] == []
