"""Pipelined deploys: a feature's stack is deployed ahead while others run, at most --fogbank-max-stacks
exist at once, and every stack whose deploy started is deleted. The feature folders here define stand-in
stacks whose deploy and delete only record when they run (deploying a real stack needs a cloud; that is
tested in tests/integration/framework/test_pipeline.py); the pipeline, its threads and slots run for real."""

from __future__ import annotations

import gc
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from fogbank.deploy.targets import Target, local_target
from fogbank.pytest_plugin.pipeline import StackPipeline
from fogbank.pytest_plugin.slots import StackSlots

STAND_IN = """
    import os
    import time
    from pathlib import Path

    from fogbank.infrastructure import BaseInfrastructure, StackOutputs


    def _log(event):
        with open(os.environ["PIPELINE_LOG"], "a") as log:
            log.write(event + "\\n")


    class StandInStack(BaseInfrastructure):
        def create_resources(self):
            pass

        def deploy(self):
            _log(f"deploy {self.feature_name}")
            time.sleep(0.1)
            if FAIL_DEPLOY:
                raise RuntimeError("CREATE_FAILED: the stand-in refused")
            return StackOutputs(self.stack_name, {"Feature": self.feature_name})

        def delete(self):
            time.sleep(0.05)
            if FAIL_DELETE:
                raise RuntimeError("DELETE_FAILED: the stand-in refused")
            _log(f"deleted {self.feature_name}")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.fogbank]\n")
    monkeypatch.setenv("PIPELINE_LOG", str(tmp_path / "events.log"))
    monkeypatch.setenv("FOGBANK_RUN_ID", "unit")
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    return tmp_path


def feature(project: Path, name: str, *, fail_deploy: bool = False, fail_delete: bool = False) -> Path:
    folder = project / "e2e" / name
    folder.mkdir(parents=True)
    source = STAND_IN.replace("FAIL_DEPLOY", str(fail_deploy)).replace("FAIL_DELETE", str(fail_delete))
    (folder / "infrastructure.py").write_text(textwrap.dedent(source))
    return folder


def events(project: Path) -> list[str]:
    return (project / "events.log").read_text().splitlines()


def pipeline(project: Path, max_stacks: int) -> StackPipeline:
    # the stand-in stacks never use the target; no call is made to it
    target = local_target("http://127.0.0.1:9", region="us-east-1", account_id="123456789012")
    return StackPipeline(lambda: target, StackSlots(project / "slots", max_stacks))


def test_stacks_are_deployed_ahead_within_the_bound_and_all_deleted(project: Path) -> None:
    # GIVEN three features and at most two stacks at once
    alpha, bravo, charlie = (feature(project, name) for name in ("alpha", "bravo", "charlie"))
    stacks = pipeline(project, max_stacks=2)
    try:
        # WHEN all three are wanted ahead, then each feature takes its stack and releases it in turn
        stacks.deploy_ahead([alpha, bravo, charlie])
        assert stacks.acquire(alpha)["Feature"] == "alpha"
        stacks.release(alpha)
        assert stacks.acquire(bravo)["Feature"] == "bravo"
        stacks.release(bravo)
        assert stacks.acquire(charlie)["Feature"] == "charlie"
        stacks.release(charlie)
    finally:
        stacks.close()
    # THEN charlie's deploy waited for a free slot (alpha deleted), never more than two stacks existed,
    # every stack was deleted, and each feature's deploy and teardown times are known
    log = events(project)
    assert log.index("deleted alpha") < log.index("deploy charlie")
    alive, most = 0, 0
    for event in log:
        alive += 1 if event.startswith("deploy ") else -1
        most = max(most, alive)
    assert most <= 2 and alive == 0
    assert sorted(e for e in log if e.startswith("deleted")) == [
        "deleted alpha",
        "deleted bravo",
        "deleted charlie",
    ]
    assert {name: sorted(t) for name, t in stacks.timings.items()} == {
        name: ["deploy", "teardown"] for name in ("alpha", "bravo", "charlie")
    }


def test_a_failed_deploy_fails_its_feature_and_its_stack_is_still_deleted(project: Path) -> None:
    # GIVEN a feature whose deploy fails
    broken = feature(project, "broken", fail_deploy=True)
    stacks = pipeline(project, max_stacks=1)
    try:
        # WHEN its stack is asked for THEN the deploy's error is raised to the feature
        with pytest.raises(RuntimeError, match="CREATE_FAILED"):
            stacks.acquire(broken)
        stacks.release(broken)
    finally:
        stacks.close()
    # AND the stack was deleted anyway, and its time is not recorded as the feature's usual time
    assert events(project) == ["deploy broken", "deleted broken"]
    assert stacks.timings == {}


def test_a_failed_delete_is_reported_with_the_commands_that_clean_up_and_frees_its_slot(
    project: Path,
) -> None:
    # GIVEN one slot, a feature whose delete fails, and a feature after it
    sticky, after = feature(project, "sticky", fail_delete=True), feature(project, "after")
    stacks = pipeline(project, max_stacks=1)
    try:
        # WHEN both run in turn
        stacks.acquire(sticky)
        stacks.release(sticky)
        assert stacks.acquire(after)["Feature"] == "after"  # the slot was freed despite the failure
        stacks.release(after)
    finally:
        stacks.close()
    # THEN the failure is kept for the end of the session, naming the stack and how to delete it
    (error,) = stacks.delete_errors
    assert error.startswith("deleting stack fogbank-sticky-unit failed: DELETE_FAILED")
    assert "`fogbank destroy fogbank-sticky-unit` or `fogbank sweep`" in error


def test_closing_deletes_a_stack_deployed_ahead_and_never_used(project: Path) -> None:
    # GIVEN a feature deployed ahead (the session then ends early, e.g. -x)
    ahead = feature(project, "ahead")
    stacks = pipeline(project, max_stacks=2)
    stacks.deploy_ahead([ahead])
    # WHEN the pipeline closes THEN the deploy in flight is waited for and its stack deleted
    stacks.close()
    assert events(project) == ["deploy ahead", "deleted ahead"]


def _loaded(folder: Path) -> bool:
    wanted = (folder / "infrastructure.py").resolve()
    return any(
        getattr(module, "__file__", None) and Path(module.__file__).resolve() == wanted
        for module in list(sys.modules.values())
    )


def test_a_target_still_starting_blocks_no_caller_and_the_feature_module_loads_first(project: Path) -> None:
    # GIVEN a target that is still starting: its factory waits until it is let go
    alpha = feature(project, "alpha")
    asked, let_go = threading.Event(), threading.Event()
    module_loaded_when_asked: list[bool] = []
    target = local_target("http://127.0.0.1:9", region="us-east-1", account_id="123456789012")

    def starting_target() -> Target:
        module_loaded_when_asked.append(_loaded(alpha))
        asked.set()
        assert let_go.wait(10)
        return target

    stacks = StackPipeline(starting_target, StackSlots(project / "slots", 1))
    try:
        # WHEN a deploy ahead is asked for
        stacks.deploy_ahead([alpha])

        # THEN the caller has control back while the deploy waits for the target; the feature's module was
        # loaded before the target was asked for; once the target is there, the stack deploys
        assert asked.wait(10)
        assert module_loaded_when_asked == [True]
        let_go.set()
        assert stacks.acquire(alpha)["Feature"] == "alpha"
        stacks.release(alpha)
    finally:
        let_go.set()
        stacks.close()
    assert events(project) == ["deploy alpha", "deleted alpha"]
    # AND what the deploy left alive (the feature's module above all) is kept off the collector
    assert gc.get_freeze_count() > 0
    gc.unfreeze()


def test_a_target_that_cannot_start_fails_the_feature_and_frees_its_slot(project: Path) -> None:
    # GIVEN a target whose start fails, and one stack slot
    alpha, bravo = feature(project, "alpha"), feature(project, "bravo")
    attempts: list[str] = []
    target = local_target("http://127.0.0.1:9", region="us-east-1", account_id="123456789012")

    def target_failing_once() -> Target:
        attempts.append("start")
        if len(attempts) == 1:
            raise RuntimeError("cannot bind 127.0.0.1")
        return target

    stacks = StackPipeline(target_failing_once, StackSlots(project / "slots", 1))
    try:
        # WHEN the feature's stack is asked for THEN the start's error reaches that feature
        with pytest.raises(RuntimeError, match="cannot bind"):
            stacks.acquire(alpha)
        stacks.release(alpha)

        # AND the slot it held is free again: the next feature deploys
        assert stacks.acquire(bravo)["Feature"] == "bravo"
        stacks.release(bravo)
    finally:
        stacks.close()
    assert events(project) == ["deploy bravo", "deleted bravo"]
