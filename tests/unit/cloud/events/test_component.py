"""The component's lifecycle: while started, moto's matches reach Lambda and a scheduler thread runs; not after."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from fogbank.cloud.events.component import EventsComponent
from fogbank.cloud.site import CloudSite

from ..conftest import Clients, lambda_role, zip_of
from .test_delivery import RecordingLambda


def test_started_it_delivers_and_schedules_stopped_it_does_neither(aws: Clients, tmp_path: Path) -> None:
    # GIVEN a function EventBridge may invoke and a rule targeting it, in moto's in-process state
    fn = aws("lambda").create_function(
        FunctionName="fn", Runtime="python3.11", Role=lambda_role(aws), Handler="app.handler",
        Code={"ZipFile": zip_of({"app.py": "def handler(e, c): return e"})},
    )["FunctionArn"]  # fmt: skip
    events = aws("events")
    rule = events.put_rule(Name="r", EventPattern=json.dumps({"source": ["shop"]}))["RuleArn"]
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": fn}])
    aws("lambda").add_permission(
        FunctionName="fn", StatementId="s", Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com", SourceArn=rule,
    )  # fmt: skip
    lambda_ = RecordingLambda()
    component = EventsComponent(CloudSite("http://127.0.0.1:9", tmp_path), lambda_=lambda_)
    entry = {"Source": "shop", "DetailType": "T", "Detail": "{}"}
    # WHEN it is started and an event is put THEN the function is invoked and the scheduler thread runs
    component.start()
    try:
        events.put_events(Entries=[entry])
        assert [function for function, _, _ in lambda_.calls] == [fn]
        assert any(thread.name == "events-scheduler" for thread in threading.enumerate())
    finally:
        component.stop()
    # WHEN it is stopped (twice: idempotent) and another event is put THEN nothing more is invoked, no thread
    component.stop()
    events.put_events(Entries=[entry])
    assert len(lambda_.calls) == 1
    assert not any(thread.name == "events-scheduler" for thread in threading.enumerate())
