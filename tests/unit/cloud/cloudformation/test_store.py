"""Unit tests: the stack store's name check and insert are one atomic step."""

from __future__ import annotations

import threading

from fogbank.cloud.cloudformation.errors import AlreadyExistsError
from fogbank.cloud.cloudformation.store import Stack, StackStore


def test_concurrent_adds_of_one_name_let_exactly_one_win() -> None:
    # GIVEN a store and sixteen threads each adding a new stack named "demo" at the same moment
    store = StackStore()
    barrier = threading.Barrier(16)
    outcomes: list[str] = []
    lock = threading.Lock()

    def add() -> None:
        stack = Stack.new("demo", "us-east-1", "123456789012")
        barrier.wait()
        try:
            store.add(stack)
            outcome = "added"
        except AlreadyExistsError as exc:
            outcome = str(exc)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=add) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    # THEN one was added and every other got CloudFormation's AlreadyExistsException message
    assert outcomes.count("added") == 1
    assert sorted(set(outcomes) - {"added"}) == ["Stack [demo] already exists"]
    assert len(store.all()) == 1


def test_a_deleted_stacks_name_can_be_reused() -> None:
    # GIVEN a stack whose deletion completed
    store = StackStore()
    old = store.add(Stack.new("demo", "us-east-1", "123456789012"))
    old.set_stack_status("DELETE_COMPLETE")

    # WHEN a new stack of that name is added
    new = store.add(Stack.new("demo", "us-east-1", "123456789012"))

    # THEN it is the live one, and the deleted one stays findable by id
    assert store.find("demo") is new
    assert store.find(old.stack_id) is old
