"""Run a task once per test run, even when pytest-xdist spreads the tests over several worker processes.

The seed's semantics: without xdist (`worker_id == "master"`) the task is simply called. Under xdist the
first worker to take the file lock runs it and stores its JSON-serialized result next to the workers' shared
temp folder; every other worker waits on the lock and reuses that result. The optional `callback` runs when
the generator closes (at fixture teardown), in every process.

Example (skipped as a doctest: it needs a pytest session):
    >>> @pytest.fixture(scope="session")  # doctest: +SKIP
    ... def layer(tmp_path_factory, worker_id):
    ...     yield from call_once(build_layer, tmp_path_factory, worker_id)
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Generator
from typing import Any, Protocol

from filelock import FileLock

__all__ = ["call_once"]

PYTHON_RUNTIME_VERSION = f"V{sys.version_info.major}{sys.version_info.minor}"


class _TempPathFactory(Protocol):
    def getbasetemp(self) -> Any: ...


def _task_key(task: Callable[[], Any]) -> str:
    name = f"{getattr(task, '__module__', '')}.{getattr(task, '__qualname__', repr(task))}"
    return hashlib.sha256(name.encode()).hexdigest()[:12]


def call_once(
    task: Callable[[], Any],
    tmp_path_factory: _TempPathFactory,
    worker_id: str,
    callback: Callable[[], Any] | None = None,
) -> Generator[Any, None, None]:
    """Yield `task()`'s result, computing it once per run across xdist workers.

    Args:
        task: called with no arguments; its result must be JSON serializable under xdist.
        tmp_path_factory: pytest's fixture; its base temp's parent is shared by all workers of a run.
        worker_id: pytest-xdist's fixture ("master" without xdist, "gw0", "gw1", ... with it).
        callback: called when the generator is closed, whether the task succeeded or not.

    Example (two xdist workers of one run; a stand-in for pytest's tmp_path_factory):
        >>> import tempfile
        >>> from pathlib import Path
        >>> run = tempfile.TemporaryDirectory()
        >>> class TmpPathFactory:
        ...     def getbasetemp(self): return Path(run.name, "popen-gw0")
        >>> built = []
        >>> def build_layer(): built.append(1); return {"layer": "abc"}
        >>> [next(call_once(build_layer, TmpPathFactory(), worker)) for worker in ("gw0", "gw1")]
        [{'layer': 'abc'}, {'layer': 'abc'}]
        >>> len(built)  # gw1 reused gw0's result
        1
        >>> run.cleanup()
    """
    try:
        if worker_id == "master":
            yield task()
        else:
            shared_dir = tmp_path_factory.getbasetemp().parent
            cache = shared_dir / f"fogbank_{PYTHON_RUNTIME_VERSION}_{_task_key(task)}_cache.json"
            with FileLock(f"{cache}.lock"):
                if cache.is_file():
                    result = json.loads(cache.read_text(encoding="utf-8"))
                else:
                    result = task()
                    cache.write_text(json.dumps(result), encoding="utf-8")
            yield result
    finally:
        if callback is not None:
            callback()
