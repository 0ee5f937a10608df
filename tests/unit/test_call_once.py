from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from fogbank import call_once


class SharedTemp:
    """Like pytest's TempPathFactory under xdist: each worker's base temp sits in one shared folder."""

    def __init__(self, root: Path, worker: str) -> None:
        self.base = root / f"popen-{worker}"
        self.base.mkdir(parents=True, exist_ok=True)

    def getbasetemp(self) -> Path:
        return self.base


def _worker(root: str, worker: str, marker: str, results: str) -> None:
    def task() -> dict[str, str]:
        with open(marker, "a", encoding="utf-8") as handle:
            handle.write(f"{worker}\n")
        return {"built_by": worker}

    result = next(call_once(task, SharedTemp(Path(root), worker), worker))
    with open(results, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")


def test_without_xdist_the_task_is_simply_called(tmp_path: Path):
    # GIVEN a task and the master worker id
    calls: list[int] = []
    closed: list[bool] = []

    def task() -> int:
        calls.append(1)
        return 7

    # WHEN call_once runs twice and the generators close
    for _ in range(2):
        generator = call_once(
            task, SharedTemp(tmp_path, "master"), "master", callback=lambda: closed.append(True)
        )
        assert next(generator) == 7
        generator.close()
    # THEN the task ran each time (no caching without xdist) and the callback ran on close
    assert len(calls) == 2
    assert closed == [True, True]


def test_under_xdist_four_processes_run_the_task_once_and_share_its_result(tmp_path: Path):
    # GIVEN four worker processes sharing one temp root
    marker, results = tmp_path / "ran.txt", tmp_path / "results.txt"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_worker, args=(str(tmp_path), f"gw{index}", str(marker), str(results)))
        for index in range(4)
    ]
    # WHEN they all call_once at the same time
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=60)
    # THEN the task ran exactly once, and every worker got that run's result
    assert all(process.exitcode == 0 for process in workers)
    builders = marker.read_text(encoding="utf-8").split()
    assert len(builders) == 1
    seen = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert seen == [{"built_by": builders[0]}] * 4
