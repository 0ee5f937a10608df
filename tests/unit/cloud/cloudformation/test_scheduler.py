"""The scheduler: independent resources run concurrently, dependants wait, failures stop or keep going."""

from __future__ import annotations

import threading
import time

from fogbank.cloud.cloudformation.scheduler import run_graph


def test_scheduler_runs_independent_nodes_concurrently_and_in_order() -> None:
    # GIVEN two independent slow nodes and one that needs both
    started: dict[str, float] = {}
    finished: dict[str, float] = {}
    both_running = threading.Barrier(2, timeout=5)

    def work(node: str) -> None:
        started[node] = time.monotonic()
        if node in ("a", "b"):
            both_running.wait()  # fails (BrokenBarrierError) unless a and b run at the same time
        finished[node] = time.monotonic()

    # WHEN the graph runs
    outcome = run_graph({"a": set(), "b": set(), "c": {"a", "b"}}, work, workers=4)

    # THEN a and b overlapped, c started after both finished
    assert outcome.failed == {}
    assert started["c"] >= max(finished["a"], finished["b"])


def test_scheduler_stops_after_a_failure_but_deletes_keep_going() -> None:
    # GIVEN a failing node with a dependant, and an independent node
    def work(node: str) -> None:
        if node == "bad":
            raise RuntimeError("boom")

    graph = {"bad": set(), "after": {"bad"}, "other": set()}

    # WHEN it runs in keep_going mode (deletes)
    outcome = run_graph(graph, work, workers=1, keep_going=True)

    # THEN the failure is reported, its dependant never starts, and the independent node still runs
    assert set(outcome.failed) == {"bad"}
    assert outcome.not_started == ["after"]
    assert "other" in outcome.finished
