"""The CloudFormation API, called by boto3 on the in-process engine: stacks, outputs, exports, AWS's errors."""

from __future__ import annotations

import contextlib
import json
import threading
from typing import Any

import pytest

from fogbank.cloud.cloudformation.component import CloudFormationComponent

from ..conftest import Clients, in_process_client
from .conftest import body, settled

TEMPLATE = body(
    {
        "Flag": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {"Ref": "Env"}}},
        "Jobs": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": {"Fn::Sub": "${AWS::StackName}-jobs"}},
        },
    },
    Parameters={"Env": {"Type": "String", "Default": "dev"}},
    Outputs={
        "QueueUrl": {"Value": {"Ref": "Jobs"}, "Export": {"Name": "shop-queue-url"}},
        "QueueArn": {"Value": {"Fn::GetAtt": ["Jobs", "Arn"]}},
        "FlagName": {"Value": {"Ref": "Flag"}},
    },
)


def test_a_stack_is_created_described_and_deleted(cfn: Any, aws: Clients) -> None:
    # WHEN a stack with a parameter value, outputs and an export is created
    stack_id = cfn.create_stack(
        StackName="shop",
        TemplateBody=TEMPLATE,
        Parameters=[{"ParameterKey": "Env", "ParameterValue": "prod"}],
    )["StackId"]
    stack = settled(cfn, "shop")

    # THEN it is complete, with its parameter and outputs, and the resources exist in the services
    assert stack["StackStatus"] == "CREATE_COMPLETE" and stack["StackId"] == stack_id
    assert stack["Parameters"] == [{"ParameterKey": "Env", "ParameterValue": "prod"}]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["QueueUrl"].endswith("/shop-jobs") and outputs["QueueArn"].endswith(":shop-jobs")
    assert aws("ssm").get_parameter(Name=outputs["FlagName"])["Parameter"]["Value"] == "prod"
    assert [e["Name"] for e in cfn.list_exports()["Exports"]] == ["shop-queue-url"]
    resources = {
        r["LogicalResourceId"]: r for r in cfn.describe_stack_resources(StackName="shop")["StackResources"]
    }
    assert resources["Jobs"]["PhysicalResourceId"] == outputs["QueueUrl"]
    assert cfn.get_template(StackName="shop")["TemplateBody"] == json.loads(TEMPLATE)  # botocore parses it

    # WHEN it is deleted
    cfn.delete_stack(StackName="shop")
    deleted = settled(cfn, stack_id)

    # THEN its resources are gone, and it is listed as deleted (by id), no longer found by name
    assert deleted["StackStatus"] == "DELETE_COMPLETE"
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    summaries = cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"]
    assert [s["StackId"] for s in summaries] == [stack_id]
    with pytest.raises(cfn.exceptions.ClientError, match="Stack with id shop does not exist"):
        cfn.describe_stacks(StackName="shop")


def test_events_tell_the_story_of_each_resource(cfn: Any) -> None:
    # WHEN a stack is created
    cfn.create_stack(StackName="shop", TemplateBody=TEMPLATE)
    settled(cfn, "shop")
    # THEN its events (newest first) show each resource's progress and the stack's end
    events = cfn.describe_stack_events(StackName="shop")["StackEvents"]
    story = [(e["LogicalResourceId"], e["ResourceStatus"]) for e in reversed(events)]
    assert story[0] == ("shop", "CREATE_IN_PROGRESS") and story[-1] == ("shop", "CREATE_COMPLETE")
    for logical_id in ("Flag", "Jobs"):
        assert story.index((logical_id, "CREATE_IN_PROGRESS")) < story.index((logical_id, "CREATE_COMPLETE"))


@pytest.mark.parametrize(
    ("call", "code", "words"),
    [
        (
            lambda cfn: cfn.describe_stacks(StackName="ghost"),
            "ValidationError",
            "Stack with id ghost does not exist",
        ),
        (
            lambda cfn: cfn.create_stack(StackName="shop", TemplateBody="{not json"),
            "ValidationError",
            "JSON not well-formed",
        ),
        (
            lambda cfn: cfn.create_stack(
                StackName="shop",
                TemplateBody=TEMPLATE,
                Parameters=[{"ParameterKey": "Nope", "ParameterValue": "x"}],
            ),
            "ValidationError",
            "Parameters: [Nope] do not exist in the template",
        ),
        (
            lambda cfn: cfn.validate_template(
                TemplateBody=body({"A": {"Type": "AWS::SQS::Queue", "Properties": {"X": {"Ref": "Ghost"}}}})
            ),
            "ValidationError",
            "Unresolved resource dependencies [Ghost]",
        ),
    ],
)
def test_bad_requests_get_cloudformations_errors(cfn: Any, call: Any, code: str, words: str) -> None:
    # WHEN a request CloudFormation refuses is made THEN boto3 raises its error code with its message
    with pytest.raises(cfn.exceptions.ClientError) as raised:
        call(cfn)
    assert raised.value.response["Error"]["Code"] == code
    assert words in raised.value.response["Error"]["Message"]


def test_a_name_already_taken_is_already_exists(cfn: Any) -> None:
    cfn.create_stack(StackName="shop", TemplateBody=TEMPLATE)
    settled(cfn, "shop")
    with pytest.raises(cfn.exceptions.AlreadyExistsException, match=r"Stack \[shop\] already exists"):
        cfn.create_stack(StackName="shop", TemplateBody=TEMPLATE)


def test_validate_template_lists_parameters(cfn: Any) -> None:
    # WHEN a good template is validated THEN its parameters come back with their defaults
    parameters = cfn.validate_template(TemplateBody=TEMPLATE)["Parameters"]
    assert [(p["ParameterKey"], p["DefaultValue"]) for p in parameters] == [("Env", "dev")]


def test_two_updates_of_a_stack_at_once_run_one_and_refuse_the_other(
    cfn: Any, engine: CloudFormationComponent, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a stack, and a test hook that holds each UpdateStack after its first status check (while it prepares
    # the new template) until the other has got there too
    cfn.create_stack(StackName="shop", TemplateBody=TEMPLATE)
    settled(cfn, "shop")
    together = threading.Barrier(2, timeout=5)
    prepare = engine.api._prepare

    def prepare_together(*args: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait()
        return prepare(*args)

    monkeypatch.setattr(engine.api, "_prepare", prepare_together)
    answers: list[str] = []

    def update(env: str) -> None:
        client = in_process_client("cloudformation", "cloudformation", engine.router.dispatch)  # type: ignore[attr-defined]
        parameters = [{"ParameterKey": "Env", "ParameterValue": env}]
        try:
            client.update_stack(StackName="shop", TemplateBody=TEMPLATE, Parameters=parameters)
            answers.append("ok")
        except client.exceptions.ClientError as exc:
            answers.append(f"{exc.response['Error']['Code']}: {exc.response['Error']['Message']}")

    # WHEN two UpdateStack calls arrive at once
    threads = [threading.Thread(target=update, args=(env,)) for env in ("staging", "prod")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # THEN one updates the stack, and the other is refused as AWS refuses an update of a stack in progress
    assert sorted(answers)[1] == "ok", answers
    assert sorted(answers)[0].startswith("ValidationError: Stack:arn:aws:cloudformation:"), answers
    assert sorted(answers)[0].endswith("is in UPDATE_IN_PROGRESS state and can not be updated."), answers
    assert settled(cfn, "shop")["StackStatus"] == "UPDATE_COMPLETE"
    events = cfn.describe_stack_events(StackName="shop")["StackEvents"]
    stack_events = [e["ResourceStatus"] for e in events if e["LogicalResourceId"] == "shop"]
    assert stack_events.count("UPDATE_IN_PROGRESS") == 1, stack_events


def test_a_stack_cannot_be_deleted_while_it_updates(
    cfn: Any, engine: CloudFormationComponent, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a stack whose update is held running by a test hook
    stack_id = cfn.create_stack(StackName="shop", TemplateBody=TEMPLATE)["StackId"]
    settled(cfn, "shop")
    release = threading.Event()
    update = engine.operations.update

    def held(*args: Any) -> Any:
        release.wait(10)
        return update(*args)

    monkeypatch.setattr(engine.operations, "update", held)
    cfn.update_stack(
        StackName="shop",
        TemplateBody=TEMPLATE,
        Parameters=[{"ParameterKey": "Env", "ParameterValue": "prod"}],
    )

    # WHEN it is deleted during the update
    try:
        with pytest.raises(cfn.exceptions.ClientError) as refused:
            cfn.delete_stack(StackName="shop")
    finally:
        release.set()

    # THEN it is refused as AWS refuses it, the update ends, and the stack can be deleted afterwards
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationError",
        "Stack [shop] cannot be deleted while in status UPDATE_IN_PROGRESS",
    )
    assert settled(cfn, "shop")["StackStatus"] == "UPDATE_COMPLETE"
    cfn.delete_stack(StackName="shop")
    assert settled(cfn, stack_id)["StackStatus"] == "DELETE_COMPLETE"
