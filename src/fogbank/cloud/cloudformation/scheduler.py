"""Run work over a dependency graph: a node starts once everything it waits for has finished.

Independent nodes run concurrently on a small thread pool. After a failure no new node starts (unless
`keep_going`, used by deletes, where only the failed node's waiters are held back).

Example:
    >>> done = []
    >>> outcome = run_graph({"a": set(), "b": {"a"}}, done.append, workers=2)
    >>> done, outcome.failed
    (['a', 'b'], {})
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

__all__ = ["GraphOutcome", "run_graph"]


@dataclass
class GraphOutcome:
    """Which nodes finished, which failed (with their exception) and which never started."""

    finished: list[str] = field(default_factory=list)
    failed: dict[str, BaseException] = field(default_factory=dict)
    not_started: list[str] = field(default_factory=list)


def run_graph(
    waits_for: dict[str, set[str]],
    work: Callable[[str], None],
    *,
    workers: int = 4,
    keep_going: bool = False,
    cancelled: threading.Event | None = None,
    pool: Executor | None = None,
) -> GraphOutcome:
    """Call `work(node)` for every node after the nodes in `waits_for[node]` (restricted to the graph).

    With `pool`, work runs there (threads that keep their boto3 clients between operations); otherwise on a
    pool of `workers` threads made for this call.
    """
    if pool is not None:
        return _run(waits_for, work, pool, keep_going, cancelled)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fogbank-cfn") as own:
        return _run(waits_for, work, own, keep_going, cancelled)


def _run(
    waits_for: dict[str, set[str]],
    work: Callable[[str], None],
    pool: Executor,
    keep_going: bool,
    cancelled: threading.Event | None,
) -> GraphOutcome:
    remaining = {node: set(needs) & set(waits_for) for node, needs in waits_for.items()}
    outcome = GraphOutcome()
    blocked: set[str] = set()
    running: dict[Future[None], str] = {}
    while True:
        stop = (bool(outcome.failed) and not keep_going) or (cancelled is not None and cancelled.is_set())
        if not stop:
            for node in [n for n, needs in remaining.items() if not needs and n not in blocked]:
                del remaining[node]
                running[pool.submit(work, node)] = node
        if not running:
            break
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            node = running.pop(future)
            error = future.exception()
            if error is None:
                outcome.finished.append(node)
                for needs in remaining.values():
                    needs.discard(node)
            else:
                outcome.failed[node] = error
                blocked.update(_waiting_on(node, remaining))
    outcome.not_started = list(remaining)
    return outcome


def _waiting_on(node: str, remaining: dict[str, set[str]]) -> set[str]:
    """Every remaining node that waits, directly or not, on `node`."""
    found: set[str] = set()
    frontier = {node}
    while frontier:
        frontier = {n for n, needs in remaining.items() if needs & frontier and n not in found}
        found |= frontier
    return found
