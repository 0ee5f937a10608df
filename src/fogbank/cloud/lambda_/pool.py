"""Worker pools: one per function version, bounded by a configurable limit and by reserved concurrency.

Example (a stand-in plays the worker process that the Lambda component starts):
    >>> class StandInWorker:
    ...     alive = True
    ...     def stop(self): self.alive = False
    >>> started = []
    >>> def start_worker(spec):
    ...     started.append(StandInWorker())
    ...     return started[-1]
    >>> pools = WorkerPools(start_worker, max_workers_per_function=16, queue_timeout_s=30)
    >>> arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    >>> spec = FunctionSpec("f", arn, "$LATEST", "python3.12", "app.handler", "Zip", "", code=b"")
    >>> with pools.lease(spec) as first:
    ...     pass  # worker.run(invocation)
    >>> with pools.lease(spec) as second:
    ...     pass
    >>> second is first, len(started)  # the warm worker was leased again
    (True, 1)
    >>> pools.recycle("f", "us-east-1")  # after an update: idle workers stop, the next lease starts a new one
    >>> first.alive
    False
    >>> pools.close()
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.lambda_.errors import LambdaApiError, too_many_requests
from fogbank.cloud.lambda_.worker import Worker

__all__ = ["WorkerPools"]


class _Pool:
    """The workers of one function version (one pool key)."""

    def __init__(self, key: tuple[str, str, int, int]) -> None:
        self.key = key
        self.idle: list[Worker] = []
        self.busy: set[Worker] = set()
        self.starting = 0
        self.retired = False

    @property
    def size(self) -> int:
        return len(self.idle) + len(self.busy) + self.starting


class WorkerPools:
    """Leases warm workers (or starts cold ones) and recycles them after updates and deletes."""

    def __init__(
        self,
        start_worker: Callable[[FunctionSpec], Worker],
        *,
        max_workers_per_function: int,
        queue_timeout_s: float,
    ) -> None:
        self._start_worker = start_worker
        self._limit = max_workers_per_function
        self._queue_timeout_s = queue_timeout_s
        self._cond = threading.Condition()
        self._pools: dict[tuple[str, str], _Pool] = {}
        self._in_flight: dict[str, int] = {}
        self._closed = False

    @contextmanager
    def lease(self, spec: FunctionSpec) -> Iterator[Worker]:
        """A worker for `spec`, exclusively, for one invocation.

        Raises TooManyRequestsException past reserved concurrency (also when it is 0), or when the pool stays
        at its limit for longer than the queue timeout.
        """
        worker, pool = self._acquire(spec)
        try:
            yield worker
        finally:
            self._release(spec, pool, worker)

    def _acquire(self, spec: FunctionSpec) -> tuple[Worker, _Pool]:
        deadline = time.monotonic() + self._queue_timeout_s
        with self._cond:
            reserved = spec.reserved_concurrency
            if reserved is not None and self._in_flight.get(spec.arn, 0) >= reserved:
                raise too_many_requests(spec.name, reserved)
            self._in_flight[spec.arn] = self._in_flight.get(spec.arn, 0) + 1
            try:
                while True:
                    if self._closed:
                        raise LambdaApiError("ServiceException", "the local cloud is stopping", 500)
                    pool = self._pool_for(spec)
                    while pool.idle:
                        worker = pool.idle.pop()
                        if worker.alive:
                            pool.busy.add(worker)
                            return worker, pool
                        worker.stop()
                    if pool.size < self._limit:
                        pool.starting += 1
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise LambdaApiError(
                            "TooManyRequestsException",
                            f"Rate Exceeded. {spec.name} already runs {self._limit} concurrent executions, the "
                            "local cloud's limit per function; raise FOGBANK_LAMBDA_MAX_WORKERS",
                            429,
                            reason="ConcurrentInvocationLimitExceeded",
                        )
                    self._cond.wait(timeout=remaining)
            except BaseException:
                self._leave(spec.arn)
                raise
        try:
            worker = self._start_worker(spec)
        except BaseException:
            with self._cond:
                pool.starting -= 1
                self._leave(spec.arn)
                self._cond.notify_all()
            raise
        with self._cond:
            pool.starting -= 1
            if not self._closed:
                pool.busy.add(worker)
                return worker, pool
            self._leave(spec.arn)
        worker.stop()
        raise LambdaApiError("ServiceException", "the local cloud is stopping", 500)

    def _leave(self, function_arn: str) -> None:
        # caller holds self._cond; a function with nothing in flight has no entry, so deleted ones leave none
        remaining = self._in_flight[function_arn] - 1
        if remaining:
            self._in_flight[function_arn] = remaining
        else:
            del self._in_flight[function_arn]

    def in_flight(self) -> dict[str, int]:
        """Invocations holding or awaiting a worker, per function ARN (functions with none are absent)."""
        with self._cond:
            return dict(self._in_flight)

    def _pool_for(self, spec: FunctionSpec) -> _Pool:
        # caller holds self._cond
        slot = (spec.arn, spec.version)
        pool = self._pools.get(slot)
        if pool is None or pool.key != spec.pool_key:
            if pool is not None:
                self._retire(pool)
            pool = self._pools[slot] = _Pool(spec.pool_key)
        return pool

    def _release(self, spec: FunctionSpec, pool: _Pool, worker: Worker) -> None:
        with self._cond:
            pool.busy.discard(worker)
            self._leave(spec.arn)
            keep = worker.alive and not pool.retired and not self._closed
            if keep:
                pool.idle.append(worker)
            self._cond.notify_all()
        if not keep:
            worker.stop()

    def _retire(self, pool: _Pool) -> list[Worker]:
        # caller holds self._cond; busy workers are stopped when released
        pool.retired = True
        idle, pool.idle = pool.idle, []
        for worker in idle:
            worker.stop()
        return idle

    def recycle(self, function_name: str, region: str) -> None:
        """Retire every pool of `function_name` in `region` (after UpdateFunctionCode/Configuration or
        DeleteFunction). Pools are keyed by the function's unqualified ARN."""
        suffix = f":function:{function_name}"
        with self._cond:
            for slot in [s for s in self._pools if s[0].endswith(suffix) and s[0].split(":")[3] == region]:
                self._retire(self._pools.pop(slot))
            self._cond.notify_all()

    def reap_idle(self, idle_for_s: float) -> int:
        """Stop workers idle for longer than `idle_for_s`; returns how many were stopped."""
        cutoff = time.monotonic() - idle_for_s
        stopped: list[Worker] = []
        with self._cond:
            for pool in self._pools.values():
                keep = [worker for worker in pool.idle if worker.last_used >= cutoff and worker.alive]
                stopped.extend(worker for worker in pool.idle if worker not in keep)
                pool.idle = keep
        for worker in stopped:
            worker.stop()
        return len(stopped)

    def pids(self) -> list[int]:
        """Process ids of every live worker (for tests and diagnostics)."""
        with self._cond:
            return [w.pid for pool in self._pools.values() for w in (*pool.idle, *pool.busy) if w.alive]

    def close(self) -> None:
        """Stop every worker, idle or busy. Idempotent."""
        with self._cond:
            self._closed = True
            workers = [w for pool in self._pools.values() for w in (*pool.idle, *pool.busy)]
            for pool in self._pools.values():
                pool.retired = True
                pool.idle = []
            self._pools.clear()
            self._cond.notify_all()
        for worker in workers:
            worker.stop()
