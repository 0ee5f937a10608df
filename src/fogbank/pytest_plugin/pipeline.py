"""Pipelined deploys: a worker deploys its next feature's stack while the current feature's tests run.

Every stack of the run holds a slot (fogbank.pytest_plugin.slots) from the start of its deploy to the end of
its delete, so at most `--fogbank-max-stacks` exist at once. A feature waits only for its own stack: its
deploy may have started ahead, and the previous feature's stack is deleted in the background.

Cleanup: every stack whose deploy started is deleted, whether the deploy worked or not, also when the session
ends early (-x, Ctrl-C): `close()` waits for deploys in flight, then deletes what is left.

A `StackObserver` (the run report's recorder) sees each deploy and delete on the thread that does it, and
collects a feature's data on the caller's thread before its stack is deleted.

Example (skipped as a doctest: it deploys stacks into a running local cloud):
    >>> pipeline = StackPipeline(lambda: target, StackSlots(folder, 4))  # doctest: +SKIP
    >>> pipeline.deploy_ahead([Path("tests/e2e/tracer")])  # doctest: +SKIP
    >>> outputs = pipeline.acquire(Path("tests/e2e/tracer"))  # doctest: +SKIP
    >>> pipeline.release(Path("tests/e2e/tracer")); pipeline.close()  # doctest: +SKIP
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fogbank.errors import DeployError
from fogbank.heap import collection_paused, freeze_long_lived

if TYPE_CHECKING:
    from fogbank.deploy.targets import Target
    from fogbank.infrastructure import BaseInfrastructure, StackOutputs
    from fogbank.pytest_plugin.slots import Slot, StackSlots

__all__ = ["StackObserver", "StackPipeline"]

POLL_SECONDS = 0.1


class StackObserver(Protocol):
    """What watches a feature's stack (fogbank.report.recorder.ReportRecorder has these methods)."""

    def deploy(self, feature: str, stack: Any) -> AbstractContextManager[None]: ...

    def collect(self, feature: str, stack: Any) -> None: ...

    def teardown(self, feature: str, stack: Any, kept: bool) -> AbstractContextManager[None]: ...


@dataclass
class _StackJob:
    """One feature's stack: its slot, its deploy and its delete."""

    folder: Path
    slot: Slot
    ahead: bool
    stack: BaseInfrastructure | None = None
    deploy: Future[StackOutputs] | None = None
    delete: Future[None] | None = None
    released: bool = False
    timings: dict[str, float] = field(default_factory=dict)


class StackPipeline:
    """Deploys ahead, hands out stacks, deletes in the background; one per pytest process."""

    def __init__(
        self, target_for: Callable[[], Target], slots: StackSlots, observer: StackObserver | None = None
    ) -> None:
        self._target_for = target_for
        self._slots = slots
        self._observer = observer
        # deploys and deletes in flight at once in this process are bounded by the slots it holds
        self._executor = ThreadPoolExecutor(max_workers=2 * slots.count, thread_name_prefix="fogbank-stack")
        self._jobs: dict[Path, _StackJob] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._wanted: list[Path] = []  # the features to deploy ahead, retried whenever a slot frees
        self.delete_errors: list[str] = []

    @property
    def timings(self) -> dict[str, dict[str, float]]:
        """Feature name -> {"deploy": s, "teardown": s} for every stack deployed and deleted so far."""
        with self._lock:
            return {job.folder.name: dict(job.timings) for job in self._jobs.values() if job.timings}

    def deploy_ahead(self, folders: Sequence[Path]) -> None:
        """Start deploying `folders` now, as far as free slots allow (the rest when a slot frees); never waits."""
        with self._lock:
            self._wanted = list(folders)
        for folder in folders:
            with self._lock:
                if self._closing.is_set() or folder in self._jobs:
                    continue
                slot = self._slots.try_acquire()
                if slot is None:
                    return
                self._start(folder, slot, ahead=True)

    def acquire(self, folder: Path) -> StackOutputs:
        """The outputs of `folder`'s stack: waits for its own deploy only (started now if not ahead)."""
        job = self._job_or_slot(folder)
        assert job.deploy is not None
        return job.deploy.result()

    def _job_or_slot(self, folder: Path) -> _StackJob:
        """`folder`'s job; without one, start it as soon as a slot is free (or a deploy ahead took it on)."""
        while True:
            with self._lock:
                job = self._jobs.get(folder)
                if job is not None:
                    return job
                slot = self._slots.try_acquire()
                if slot is not None:
                    return self._start(folder, slot, ahead=False)
            if self._closing.is_set():
                raise DeployError(f"the session is ending; the stack of {folder.name} was not deployed")
            time.sleep(POLL_SECONDS)

    def release(self, folder: Path) -> None:
        """Delete `folder`'s stack in the background (its slot frees when the delete ends). Idempotent."""
        with self._lock:
            job = self._jobs.get(folder)
            if job is None or job.released:
                return
            job.released = True
        try:
            deployed = job.deploy is not None and job.deploy.done() and job.deploy.exception() is None
            if self._observer is not None and deployed and job.stack is not None:
                self._observer.collect(folder.name, job.stack)  # before the stack (and its log groups) go
        finally:
            with self._lock:
                job.delete = self._executor.submit(self._delete, job)

    def close(self) -> None:
        """Delete every stack not deleted yet, wait for all deletes, and end the threads. Idempotent."""
        self._closing.set()
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            self.release(job.folder)
        for job in jobs:
            if job.delete is not None:
                job.delete.result()
        self._executor.shutdown(wait=True)

    # -- the background work -------------------------------------------------------------------------------
    def _start(self, folder: Path, slot: Slot, ahead: bool) -> _StackJob:
        """Register and submit a deploy; it runs on the pool, so a cloud still starting never blocks a test."""
        job = _StackJob(folder=folder, slot=slot, ahead=ahead)
        self._jobs[folder] = job
        try:
            job.deploy = self._executor.submit(self._deploy, job)
        except BaseException:
            slot.release()
            del self._jobs[folder]
            raise
        return job

    def _deploy(self, job: _StackJob) -> StackOutputs:
        from fogbank.infrastructure import find_infrastructure_class

        started = time.perf_counter()
        # the feature's module first (it imports CDK, about a second): meanwhile the target may still be starting
        with collection_paused():  # CDK's bindings stay for the run (fogbank.heap)
            infrastructure = find_infrastructure_class(job.folder / "infrastructure.py")
        job.stack = infrastructure(target=self._target_for())
        observer = self._observer
        with observer.deploy(job.folder.name, job.stack) if observer else nullcontext():
            outputs = job.stack.deploy()
        job.timings["deploy"] = time.perf_counter() - started
        freeze_long_lived()  # CDK, the cloud's models and clients stay for the run: no collection walks them
        return outputs

    def _delete(self, job: _StackJob) -> None:
        try:
            assert job.deploy is not None
            if job.deploy.exception() is not None:
                job.timings.clear()  # a failed deploy says nothing about the feature's usual time
            if job.stack is None:
                return
            started = time.perf_counter()
            observer = self._observer
            with observer.teardown(job.folder.name, job.stack, kept=False) if observer else nullcontext():
                job.stack.delete()
            if job.timings:
                job.timings["teardown"] = time.perf_counter() - started
        except Exception as exc:  # reported at the end of the session: nothing else waits for a delete
            name = job.stack.stack_name if job.stack is not None else job.folder.name
            with self._lock:
                self.delete_errors.append(
                    f"deleting stack {name} failed: {exc}; delete it with `fogbank destroy {name}` "
                    "or `fogbank sweep`"
                )
        finally:
            job.slot.release()
            if not self._closing.is_set():
                with self._lock:
                    wanted = list(self._wanted)
                self.deploy_ahead(wanted)
