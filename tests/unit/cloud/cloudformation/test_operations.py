"""Stack operations on the in-process engine: rollback on failure, exports in use, updates and their rollback."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import Clients
from .conftest import body, settled

QUEUE = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}}
TAKEN = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/taken", "Type": "String", "Value": "v"}}


def _reasons(cfn: Any, stack: str) -> dict[str, str]:
    events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return {
        e["LogicalResourceId"]: e.get("ResourceStatusReason", "")
        for e in events
        if e["ResourceStatus"].endswith("FAILED")
    }


def test_a_failed_create_rolls_back_what_was_made_and_says_why(cfn: Any, aws: Clients) -> None:
    # GIVEN a parameter name already taken outside the stack, and a queue that the stack creates first
    aws("ssm").put_parameter(Name="/taken", Value="outside", Type="String")
    template = body({"Jobs": QUEUE, "Flag": {**TAKEN, "DependsOn": "Jobs"}})

    # WHEN the stack is created
    stack_id = cfn.create_stack(StackName="shop", TemplateBody=template)["StackId"]
    stack = settled(cfn, "shop")

    # THEN it rolls back: the queue is deleted again, the outside parameter is untouched, and the event names
    # the resource and the service's error
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    assert aws("ssm").get_parameter(Name="/taken")["Parameter"]["Value"] == "outside"
    assert "ParameterAlreadyExists" in _reasons(cfn, "shop")["Flag"]
    # AND a rolled-back stack can only be deleted
    cfn.delete_stack(StackName="shop")
    assert settled(cfn, stack_id)["StackStatus"] == "DELETE_COMPLETE"


@pytest.mark.parametrize(
    ("on_failure", "status"), [("DO_NOTHING", "CREATE_FAILED"), ("DELETE", "DELETE_COMPLETE")]
)
def test_on_failure_decides_what_stays(cfn: Any, aws: Clients, on_failure: str, status: str) -> None:
    # GIVEN a stack whose second resource fails
    aws("ssm").put_parameter(Name="/taken", Value="outside", Type="String")
    template = body({"Jobs": QUEUE, "Flag": {**TAKEN, "DependsOn": "Jobs"}})
    # WHEN it is created with OnFailure
    stack_id = cfn.create_stack(StackName="shop", TemplateBody=template, OnFailure=on_failure)["StackId"]
    # THEN DO_NOTHING keeps the queue for inspection; DELETE deletes the stack and the queue
    assert settled(cfn, stack_id)["StackStatus"] == status
    assert len(aws("sqs").list_queues().get("QueueUrls", [])) == (1 if on_failure == "DO_NOTHING" else 0)


def test_an_export_in_use_keeps_its_stack(cfn: Any) -> None:
    # GIVEN a stack exporting a value, and another importing it
    producer = body(
        {"Jobs": QUEUE}, Outputs={"Url": {"Value": {"Ref": "Jobs"}, "Export": {"Name": "jobs-url"}}}
    )
    consumer = body(
        {
            "Copy": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Value": {"Fn::ImportValue": "jobs-url"}},
            }
        }
    )
    cfn.create_stack(StackName="producer", TemplateBody=producer)
    settled(cfn, "producer")
    cfn.create_stack(StackName="consumer", TemplateBody=consumer)
    assert settled(cfn, "consumer")["StackStatus"] == "CREATE_COMPLETE"

    # WHEN the exporting stack is deleted
    cfn.delete_stack(StackName="producer")
    producer_now = settled(cfn, "producer")

    # THEN the delete fails, naming the export and the stack that imports it
    assert producer_now["StackStatus"] == "DELETE_FAILED"
    assert "jobs-url" in producer_now["StackStatusReason"] and "consumer" in producer_now["StackStatusReason"]


PRODUCER = body({"Jobs": QUEUE}, Outputs={"Url": {"Value": {"Ref": "Jobs"}, "Export": {"Name": "jobs-url"}}})


def _consumer(value: Any = None) -> str:
    value = {"Fn::ImportValue": "jobs-url"} if value is None else value
    return body({"Copy": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": value}}})


def _stack_reason(cfn: Any, stack: str, status: str) -> str:
    events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return next(
        e.get("ResourceStatusReason", "")
        for e in events
        if e["LogicalResourceId"] == stack and e["ResourceStatus"] == status
    )


@pytest.mark.parametrize(
    ("outputs", "refusal"),
    [
        ({}, "Cannot delete export jobs-url as it is in use by consumer."),
        (
            {"Url": {"Value": {"Fn::GetAtt": ["Jobs", "Arn"]}, "Export": {"Name": "jobs-url"}}},
            "Cannot update export jobs-url as it is in use by consumer.",
        ),
    ],
    ids=["removed", "changed"],
)
def test_an_update_may_not_remove_or_change_an_export_in_use(
    cfn: Any, outputs: dict[str, Any], refusal: str
) -> None:
    # GIVEN a stack exporting a value, and another importing it
    cfn.create_stack(StackName="producer", TemplateBody=PRODUCER)
    settled(cfn, "producer")
    cfn.create_stack(StackName="consumer", TemplateBody=_consumer())
    assert settled(cfn, "consumer")["StackStatus"] == "CREATE_COMPLETE"

    # WHEN the exporting stack is updated to drop the export, or to give it another value
    cfn.update_stack(StackName="producer", TemplateBody=body({"Jobs": QUEUE}, Outputs=outputs))
    producer = settled(cfn, "producer")

    # THEN the update is refused as AWS refuses it, and rolls back to the export as it was
    assert producer["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert _stack_reason(cfn, "producer", "UPDATE_ROLLBACK_IN_PROGRESS") == refusal
    assert [e["Name"] for e in cfn.list_exports()["Exports"]] == ["jobs-url"]
    assert cfn.list_imports(ExportName="jobs-url")["Imports"] == ["consumer"]


def test_an_export_no_longer_imported_after_an_update_is_free_again(cfn: Any) -> None:
    # GIVEN a stack exporting a value, and another importing it
    producer_id = cfn.create_stack(StackName="producer", TemplateBody=PRODUCER)["StackId"]
    settled(cfn, "producer")
    cfn.create_stack(StackName="consumer", TemplateBody=_consumer())
    settled(cfn, "consumer")
    assert cfn.list_imports(ExportName="jobs-url")["Imports"] == ["consumer"]

    # WHEN the importing stack is updated so that it no longer imports it
    cfn.update_stack(StackName="consumer", TemplateBody=_consumer("plain"))
    assert settled(cfn, "consumer")["StackStatus"] == "UPDATE_COMPLETE"

    # THEN nobody imports the export (AWS's error for ListImports), and the exporting stack can be deleted
    with pytest.raises(cfn.exceptions.ClientError) as raised:
        cfn.list_imports(ExportName="jobs-url")
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert raised.value.response["Error"]["Message"] == "Export 'jobs-url' is not imported by any stack."
    cfn.delete_stack(StackName="producer")
    assert settled(cfn, producer_id)["StackStatus"] == "DELETE_COMPLETE"


def test_a_failed_update_of_the_importer_keeps_its_imports(cfn: Any, aws: Clients) -> None:
    # GIVEN a stack exporting a value, and another importing it
    cfn.create_stack(StackName="producer", TemplateBody=PRODUCER)
    settled(cfn, "producer")
    cfn.create_stack(StackName="consumer", TemplateBody=_consumer())
    settled(cfn, "consumer")
    aws("ssm").put_parameter(Name="/taken", Value="outside", Type="String")

    # WHEN the importing stack's update drops the import but fails, so it rolls back
    failing = body(
        {
            "Copy": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "plain"}},
            "Flag": TAKEN,
        }
    )
    cfn.update_stack(StackName="consumer", TemplateBody=failing)
    assert settled(cfn, "consumer")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"

    # THEN it still imports the export, which therefore cannot be deleted
    assert cfn.list_imports(ExportName="jobs-url")["Imports"] == ["consumer"]
    cfn.delete_stack(StackName="producer")
    assert settled(cfn, "producer")["StackStatus"] == "DELETE_FAILED"


def test_an_import_of_an_export_nobody_makes_fails_the_resource(cfn: Any) -> None:
    consumer = body(
        {
            "Copy": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Value": {"Fn::ImportValue": "nothing"}},
            }
        }
    )
    cfn.create_stack(StackName="consumer", TemplateBody=consumer)
    assert settled(cfn, "consumer")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert "nothing" in _reasons(cfn, "consumer")["Copy"]


def test_a_failed_update_rolls_back_to_the_previous_template(cfn: Any, aws: Clients) -> None:
    # GIVEN a stack with a parameter of value v1
    flag = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/flag", "Type": "String", "Value": "v1"}}
    cfn.create_stack(StackName="shop", TemplateBody=body({"Flag": flag}))
    settled(cfn, "shop")
    aws("ssm").put_parameter(Name="/taken", Value="outside", Type="String")

    # WHEN an update changes the value and adds a resource that fails
    changed = {**flag, "Properties": {**flag["Properties"], "Value": "v2"}}
    cfn.update_stack(
        StackName="shop", TemplateBody=body({"Flag": changed, "Bad": {**TAKEN, "DependsOn": "Flag"}})
    )
    stack = settled(cfn, "shop")

    # THEN the update rolls back: the value is v1 again and the stack keeps its previous template
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert aws("ssm").get_parameter(Name="/flag")["Parameter"]["Value"] == "v1"
    assert list(cfn.get_template(StackName="shop")["TemplateBody"]["Resources"]) == ["Flag"]


def test_an_update_without_changes_is_refused(cfn: Any) -> None:
    template = body({"Jobs": QUEUE})
    cfn.create_stack(StackName="shop", TemplateBody=template)
    settled(cfn, "shop")
    with pytest.raises(cfn.exceptions.ClientError, match="No updates are to be performed"):
        cfn.update_stack(StackName="shop", TemplateBody=template)
