"""Work at the end of an e2e session that would be done for nothing, left out when it cannot matter.

- Hypothesis' pytest plugin imports all of hypothesis in its terminal summary, in every process (each xdist
  worker and the controller), even when no test used it: about 1-3 s per process at the end of an e2e run,
  more where bytecode is not cached (PYTHONDONTWRITEBYTECODE: pytest then rewrites hypothesis' asserts every
  run). Its summary prints statistics and failing examples of hypothesis tests, and observability files
  hypothesis wrote; none exist when hypothesis was never imported in the process, no report carries its data
  and its statistics option is off. Only then is its plugin unregistered, before the terminal summary runs.
- A process that ran features holds a large heap (CDK's jsii bindings, moto's models, botocore's service
  models). When it exits, the interpreter's last garbage collection walks all of it: 3-5 s on a loaded 2-core
  machine, which the xdist controller waits for. Once its cloud has stopped, the worker freezes its heap
  (fogbank.heap), and `skip_collection_at_exit` freezes what is left when the process exits, so
  that it ends at once. Python never promised finalizers of objects alive at exit.

Example (skipped as a doctest: it needs a running pytest session's config and terminal reporter):
    >>> skip_idle_hypothesis_summary(config, terminalreporter.stats)  # doctest: +SKIP
    True
"""

from __future__ import annotations

import atexit
import gc
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

__all__ = ["HYPOTHESIS_PLUGIN", "skip_collection_at_exit", "skip_idle_hypothesis_summary"]

HYPOTHESIS_PLUGIN = "hypothesispytest"  # its pytest11 entry point name
_REPORT_KEYS = ("_hypothesis_stats", "_hypothesis_failing_examples")  # what its summary reads from reports


def skip_idle_hypothesis_summary(config: pytest.Config, stats: Mapping[str, Iterable[Any]]) -> bool:
    """Unregister hypothesis' plugin when its summary would report nothing; returns whether it did."""
    manager = config.pluginmanager
    plugin = manager.get_plugin(HYPOTHESIS_PLUGIN)
    if plugin is None or "hypothesis" in sys.modules:
        return False
    if config.getoption("--hypothesis-show-statistics", False):
        return False
    for reports in stats.values():
        for report in reports:
            data = getattr(report, "__dict__", {})
            if any(key in data for key in _REPORT_KEYS):
                return False
    manager.unregister(plugin)
    return True


def skip_collection_at_exit() -> None:
    """Freeze every object when the process exits (its atexit handlers run), so no final collection walks them.

    Registered from the last hook of a session (pytest_unconfigure): it runs after pytest's own collections.

    >>> skip_collection_at_exit()  # registers the handler; nothing is frozen until the process exits
    """
    atexit.register(gc.freeze)
