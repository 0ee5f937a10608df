"""Change sets on the in-process engine, driven by boto3 and its waiters as the CDK CLI drives them."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from fogbank.cloud.cloudformation.changesets import ChangeSet
from fogbank.cloud.cloudformation.component import CloudFormationComponent

from ..conftest import Clients, in_process_client
from .conftest import body, settled

WAIT = {"Delay": 1, "MaxAttempts": 30}


def _queue(name: str, delay: int = 0) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": name, "DelaySeconds": delay}}


def _changes(cfn: Any, name: str) -> list[tuple[str, str, str | None]]:
    described = cfn.describe_change_set(StackName="shop", ChangeSetName=name)
    return sorted(
        (
            c["ResourceChange"]["Action"],
            c["ResourceChange"]["LogicalResourceId"],
            c["ResourceChange"].get("Replacement"),
        )
        for c in described["Changes"]
    )


def test_a_create_change_set_reviews_then_creates_the_stack(cfn: Any, aws: Clients) -> None:
    # WHEN a CREATE change set is made
    cfn.create_change_set(
        StackName="shop",
        ChangeSetName="first",
        ChangeSetType="CREATE",
        TemplateBody=body({"Jobs": _queue("jobs")}),
    )
    cfn.get_waiter("change_set_create_complete").wait(
        StackName="shop", ChangeSetName="first", WaiterConfig=WAIT
    )

    # THEN the stack waits in review with nothing made yet, and the change set lists what it would add
    assert cfn.describe_stacks(StackName="shop")["Stacks"][0]["StackStatus"] == "REVIEW_IN_PROGRESS"
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    assert _changes(cfn, "first") == [("Add", "Jobs", None)]

    # WHEN it is executed THEN the stack is created as CreateStack would, and the change set is spent
    cfn.execute_change_set(StackName="shop", ChangeSetName="first")
    assert settled(cfn, "shop")["StackStatus"] == "CREATE_COMPLETE"
    assert len(aws("sqs").list_queues()["QueueUrls"]) == 1
    summary = cfn.list_change_sets(StackName="shop")["Summaries"][0]
    assert summary["ExecutionStatus"] == "EXECUTE_COMPLETE"
    with pytest.raises(cfn.exceptions.InvalidChangeSetStatusException):
        cfn.execute_change_set(StackName="shop", ChangeSetName="first")


def test_an_update_change_set_lists_add_modify_and_remove(cfn: Any) -> None:
    # GIVEN a stack with two queues
    cfn.create_stack(StackName="shop", TemplateBody=body({"Keep": _queue("keep"), "Drop": _queue("drop")}))
    settled(cfn, "shop")
    # WHEN an UPDATE change set changes one, removes one and adds one
    new = body({"Keep": _queue("keep", delay=5), "New": _queue("new")})
    cfn.create_change_set(StackName="shop", ChangeSetName="second", ChangeSetType="UPDATE", TemplateBody=new)
    cfn.get_waiter("change_set_create_complete").wait(
        StackName="shop", ChangeSetName="second", WaiterConfig=WAIT
    )
    # THEN its changes are CloudFormation's three actions
    assert _changes(cfn, "second") == [
        ("Add", "New", None),
        ("Modify", "Keep", "Conditional"),
        ("Remove", "Drop", None),
    ]


def test_a_change_set_without_changes_fails_with_cloudformations_reason(cfn: Any) -> None:
    # GIVEN a stack, and a change set of the same template
    template = body({"Jobs": _queue("jobs")})
    cfn.create_stack(StackName="shop", TemplateBody=template)
    settled(cfn, "shop")
    cfn.create_change_set(
        StackName="shop", ChangeSetName="same", ChangeSetType="UPDATE", TemplateBody=template
    )
    # THEN it ends FAILED with the reason the CDK CLI looks for, and deleting it by name works
    described = cfn.describe_change_set(StackName="shop", ChangeSetName="same")
    assert described["Status"] == "FAILED"
    assert described["StatusReason"].startswith("The submitted information didn't contain changes.")
    cfn.delete_change_set(StackName="shop", ChangeSetName="same")
    assert cfn.list_change_sets(StackName="shop")["Summaries"] == []


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"ChangeSetName": "1bad", "ChangeSetType": "CREATE"}, "changeSetName"),
        ({"ChangeSetName": "ok", "ChangeSetType": "UPDATE", "StackName": "ghost"}, "ghost"),
    ],
)
def test_bad_change_sets_are_refused(cfn: Any, params: dict[str, str], words: str) -> None:
    # WHEN a change set has a bad name, or updates a stack that does not exist THEN it is a ValidationError
    with pytest.raises(cfn.exceptions.ClientError) as raised:
        cfn.create_change_set(
            **{"StackName": "shop", "TemplateBody": body({"Jobs": _queue("jobs")}), **params}
        )
    assert (
        raised.value.response["Error"]["Code"] == "ValidationError"
        and words in raised.value.response["Error"]["Message"]
    )


class _ReadTogether(ChangeSet):
    """Test hook (swapped in as a stored change set's class): the first read of `execution_status` by each of
    the two racing threads waits up to 0.5 s for the other's, so that code whose check and claim are separate
    steps lets both read AVAILABLE before either claims. Code that checks and claims under one lock keeps the
    second reader out until the first has claimed (the wait then times out)."""

    together = threading.Barrier(2, timeout=0.5)
    waited: set[int] = set()

    @property  # type: ignore[override]
    def execution_status(self) -> str:
        status: str = self.__dict__["execution_status"]
        me = threading.get_ident()
        if threading.current_thread().name.startswith("racer") and me not in self.waited:
            self.waited.add(me)
            with contextlib.suppress(threading.BrokenBarrierError):
                self.together.wait()
        return status  # as it was read, before the wait

    @execution_status.setter
    def execution_status(self, value: str) -> None:
        self.__dict__["execution_status"] = value


def _race(engine: CloudFormationComponent, *names: str) -> list[str]:
    """ExecuteChangeSet of stack "shop"'s change sets `names` (one name: twice) from two threads at once; what
    each call answered ("ok" or the error code and message)."""
    change_sets = engine.api.change_sets
    _ReadTogether.together.reset()
    _ReadTogether.waited.clear()
    with change_sets._lock:
        for change_set in change_sets._sets.values():
            change_set.__class__ = _ReadTogether
    answers: list[str] = []

    def execute(name: str) -> Callable[[], None]:
        client = in_process_client("cloudformation", "cloudformation", engine.router.dispatch)  # type: ignore[attr-defined]

        def call() -> None:
            try:
                client.execute_change_set(StackName="shop", ChangeSetName=name)
                answers.append("ok")
            except client.exceptions.ClientError as exc:
                answers.append(f"{exc.response['Error']['Code']}: {exc.response['Error']['Message']}")

        return call

    targets = [execute(name) for name in (names * 2)[:2]]
    threads = [threading.Thread(target=t, name=f"racer-{i}") for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(answers)


def test_two_executions_of_one_change_set_at_once_execute_it_once(
    cfn: Any, aws: Clients, engine: CloudFormationComponent
) -> None:
    # GIVEN a CREATE change set, ready
    cfn.create_change_set(
        StackName="shop",
        ChangeSetName="first",
        ChangeSetType="CREATE",
        TemplateBody=body({"Jobs": _queue("jobs")}),
    )
    cfn.get_waiter("change_set_create_complete").wait(
        StackName="shop", ChangeSetName="first", WaiterConfig=WAIT
    )
    change_set_id = cfn.describe_change_set(StackName="shop", ChangeSetName="first")["ChangeSetId"]

    # WHEN two ExecuteChangeSet calls of it arrive at once
    answers = _race(engine, "first")

    # THEN one executes it and the other is refused as AWS refuses it; the stack is created once
    assert answers[1] == "ok", answers
    assert answers[0].startswith(
        f"InvalidChangeSetStatus: ChangeSet [{change_set_id}] cannot be executed in its current execution status "
        "of [EXECUTE_"
    ), answers
    assert settled(cfn, "shop")["StackStatus"] == "CREATE_COMPLETE"
    events = cfn.describe_stack_events(StackName="shop")["StackEvents"]
    assert [e["ResourceStatus"] for e in events if e["LogicalResourceId"] == "Jobs"].count(
        "CREATE_COMPLETE"
    ) == 1


def test_two_change_sets_of_one_stack_executed_at_once_execute_one(
    cfn: Any, engine: CloudFormationComponent
) -> None:
    # GIVEN a stack and two UPDATE change sets of it
    cfn.create_stack(StackName="shop", TemplateBody=body({"Jobs": _queue("jobs")}))
    settled(cfn, "shop")
    for name, delay in (("slow", 5), ("slower", 9)):
        cfn.create_change_set(
            StackName="shop", ChangeSetName=name, TemplateBody=body({"Jobs": _queue("jobs", delay=delay)})
        )

    # WHEN both are executed at once
    answers = _race(engine, "slow", "slower")

    # THEN one executes, and the other is obsolete from that moment (as every other change set of the stack)
    assert answers[1] == "ok", answers
    assert answers[0].startswith("InvalidChangeSetStatus: ChangeSet [arn:aws:cloudformation:"), answers
    assert answers[0].endswith("cannot be executed in its current execution status of [OBSOLETE]"), answers
    assert settled(cfn, "shop")["StackStatus"] == "UPDATE_COMPLETE"
    statuses = sorted(s["ExecutionStatus"] for s in cfn.list_change_sets(StackName="shop")["Summaries"])
    assert statuses == ["EXECUTE_COMPLETE", "OBSOLETE"]


def test_an_executed_change_set_reports_its_stack_operation_until_it_ends(
    cfn: Any, aws: Clients, engine: CloudFormationComponent, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a stack, a parameter name taken outside it, and an UPDATE change set that adds a parameter of that
    # name (its execution will fail and roll back); a test hook holds the update until the test has looked
    cfn.create_stack(StackName="shop", TemplateBody=body({"Jobs": _queue("jobs")}))
    settled(cfn, "shop")
    aws("ssm").put_parameter(Name="/taken", Value="outside", Type="String")
    taken = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/taken", "Type": "String", "Value": "v"}}
    cfn.create_change_set(
        StackName="shop", ChangeSetName="bad", TemplateBody=body({"Jobs": _queue("jobs"), "Flag": taken})
    )
    release = threading.Event()
    update = engine.operations.update

    def held(*args: Any) -> Any:
        release.wait(10)
        return update(*args)

    monkeypatch.setattr(engine.operations, "update", held)

    # WHEN it is executed
    cfn.execute_change_set(StackName="shop", ChangeSetName="bad")

    # THEN it is EXECUTE_IN_PROGRESS while the stack updates, and EXECUTE_FAILED once the update rolled back
    during = cfn.describe_change_set(StackName="shop", ChangeSetName="bad")["ExecutionStatus"]
    with pytest.raises(cfn.exceptions.InvalidChangeSetStatusException, match="EXECUTE_IN_PROGRESS"):
        cfn.delete_change_set(StackName="shop", ChangeSetName="bad")
    release.set()
    assert settled(cfn, "shop")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    after = cfn.describe_change_set(StackName="shop", ChangeSetName="bad")["ExecutionStatus"]
    assert (during, after) == ("EXECUTE_IN_PROGRESS", "EXECUTE_FAILED")
    # AND it could not be deleted while it ran, cannot be executed again, and can be deleted now
    with pytest.raises(cfn.exceptions.InvalidChangeSetStatusException, match=r"\[EXECUTE_FAILED\]"):
        cfn.execute_change_set(StackName="shop", ChangeSetName="bad")
    cfn.delete_change_set(StackName="shop", ChangeSetName="bad")


def test_a_change_set_name_is_one_change_set_of_the_stack_until_it_is_executed(cfn: Any) -> None:
    # GIVEN a stack and a change set "next" of it
    cfn.create_stack(StackName="shop", TemplateBody=body({"Jobs": _queue("jobs")}))
    settled(cfn, "shop")
    delayed = body({"Jobs": _queue("jobs", delay=5)})
    first = cfn.create_change_set(StackName="shop", ChangeSetName="next", TemplateBody=delayed)["Id"]

    # WHEN the same request is sent again, and then one of the same name with another template
    again = cfn.create_change_set(StackName="shop", ChangeSetName="next", TemplateBody=delayed)["Id"]
    with pytest.raises(cfn.exceptions.AlreadyExistsException) as refused:
        cfn.create_change_set(
            StackName="shop", ChangeSetName="next", TemplateBody=body({"Jobs": _queue("jobs", delay=9)})
        )

    # THEN the repeat answers the same change set, and the other is refused naming what differs (as on AWS)
    assert again == first
    assert refused.value.response["Error"]["Message"] == (
        "ChangeSet next cannot be created due to a mismatch with existing attribute Template"
    )
    assert [s["ChangeSetId"] for s in cfn.list_change_sets(StackName="shop")["Summaries"]] == [first]

    # AND once it is executed, the name is free again and names the new change set
    cfn.execute_change_set(StackName="shop", ChangeSetName="next")
    assert settled(cfn, "shop")["StackStatus"] == "UPDATE_COMPLETE"
    newer = cfn.create_change_set(
        StackName="shop", ChangeSetName="next", TemplateBody=body({"Jobs": _queue("jobs", delay=9)})
    )["Id"]
    described = cfn.describe_change_set(StackName="shop", ChangeSetName="next")
    assert newer != first and described["ChangeSetId"] == newer
    assert described["ExecutionStatus"] == "AVAILABLE"


def test_a_delete_that_wins_over_an_executing_create_change_set_stays_deleted(
    cfn: Any, aws: Clients, engine: CloudFormationComponent, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a CREATE change set, ready; a test hook makes a DeleteStack of the stack arrive after the execution
    # claimed the change set and before it starts the create (the interleaving two callers can produce)
    cfn.create_change_set(
        StackName="shop",
        ChangeSetName="first",
        ChangeSetType="CREATE",
        TemplateBody=body({"Jobs": _queue("jobs")}),
    )
    cfn.get_waiter("change_set_create_complete").wait(
        StackName="shop", ChangeSetName="first", WaiterConfig=WAIT
    )
    prepare = engine.api._prepare

    def delete_first(*args: Any) -> Any:
        monkeypatch.setattr(engine.api, "_prepare", prepare)
        cfn.delete_stack(StackName="shop")
        return prepare(*args)

    monkeypatch.setattr(engine.api, "_prepare", delete_first)

    # WHEN the change set is executed
    with pytest.raises(cfn.exceptions.ClientError) as refused:
        cfn.execute_change_set(StackName="shop", ChangeSetName="first")

    # THEN the delete won: the execution fails as for a stack that does not exist, the stack stays deleted and
    # nothing of it is created
    assert refused.value.response["Error"]["Message"] == "Stack with id shop does not exist"
    with pytest.raises(cfn.exceptions.ClientError, match="Stack with id shop does not exist"):
        cfn.describe_stacks(StackName="shop")
    assert aws("sqs").list_queues().get("QueueUrls", []) == []


def test_no_update_starts_between_a_create_and_the_delete_waiting_for_it(
    cfn: Any, engine: CloudFormationComponent, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a stack being created (held by a test hook), and a DeleteStack that waits for the create; a second
    # hook holds the delete operation before it starts
    create, delete = engine.operations.create, engine.operations.delete
    finish_create, created, start_delete = threading.Event(), threading.Event(), threading.Event()

    def held_create(*args: Any) -> Any:
        finish_create.wait(10)
        return create(*args)

    def held_delete(*args: Any) -> Any:
        created.set()
        start_delete.wait(10)
        return delete(*args)

    monkeypatch.setattr(engine.operations, "create", held_create)
    monkeypatch.setattr(engine.operations, "delete", held_delete)
    stack_id = cfn.create_stack(StackName="shop", TemplateBody=body({"Jobs": _queue("jobs")}))["StackId"]
    cfn.delete_stack(StackName="shop")
    finish_create.set()
    assert created.wait(10)  # the create has ended; the delete is about to run

    # WHEN an update arrives in between
    with pytest.raises(cfn.exceptions.ClientError) as refused:
        cfn.update_stack(StackName="shop", TemplateBody=body({"Jobs": _queue("jobs", delay=5)}))
    start_delete.set()

    # THEN it is refused (the stack is being deleted), and the delete completes
    assert refused.value.response["Error"]["Message"] == (
        f"Stack:{stack_id} is in DELETE_IN_PROGRESS state and can not be updated."
    )
    cfn.get_waiter("stack_delete_complete").wait(
        StackName=stack_id, WaiterConfig=WAIT
    )  # not yet begun, maybe


@pytest.mark.parametrize("on_failure", ["ROLLBACK", "DELETE"])
def test_a_stack_deleted_while_it_is_created_is_deleted_once_and_stays_deleted(
    cfn: Any, aws: Clients, engine: CloudFormationComponent, monkeypatch: pytest.MonkeyPatch, on_failure: str
) -> None:
    # GIVEN a stack being created (held by a test hook) whose create fails (a parameter name taken outside it),
    # with OnFailure ROLLBACK or DELETE
    aws("ssm").put_parameter(Name="/taken", Value="outside", Type="String")
    taken = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/taken", "Type": "String", "Value": "v"}}
    create, release = engine.operations.create, threading.Event()

    def held_create(*args: Any) -> Any:
        release.wait(10)
        return create(*args)

    monkeypatch.setattr(engine.operations, "create", held_create)
    stack_id = cfn.create_stack(StackName="shop", TemplateBody=body({"Flag": taken}), OnFailure=on_failure)[
        "StackId"
    ]

    # WHEN DeleteStack is called twice while the create runs (a retry, then a teardown)
    cfn.delete_stack(StackName="shop")
    cfn.delete_stack(StackName="shop")
    release.set()

    # THEN the stack ends deleted, once: it never shows again, and its story has one DELETE_COMPLETE
    assert settled(cfn, stack_id)["StackStatus"] == "DELETE_COMPLETE"
    time.sleep(0.3)  # what a second queued delete would have done by now
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    events = cfn.describe_stack_events(StackName=stack_id)["StackEvents"]
    mine = [e["ResourceStatus"] for e in events if e["LogicalResourceId"] == "shop"]
    assert mine.count("DELETE_COMPLETE") == 1 and mine.count("DELETE_IN_PROGRESS") <= 1, mine
