"""Timing of deploy phases (synth, assets, stack) for the run report, recorded only while a report asks.

`BaseInfrastructure.deploy` wraps its synth in `phase("synth")` and `deploy_stack` its asset publishing in
`phase("assets")`; the report's recorder opens `recording()` around a feature's deploy and reads the phases.

Example:
    >>> with recording() as phases:
    ...     with phase("synth"):
    ...         pass
    >>> [p.name for p in phases]
    ['synth']
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from fogbank.report.model import Phase

__all__ = ["phase", "recording"]

_local = threading.local()


@contextmanager
def recording() -> Iterator[list[Phase]]:
    """Collect the phases timed on this thread inside the block."""
    phases: list[Phase] = []
    previous = getattr(_local, "phases", None)
    _local.phases = phases
    try:
        yield phases
    finally:
        _local.phases = previous


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block as deploy phase `name` (a no-op unless `recording()` is open on this thread)."""
    phases: list[Phase] | None = getattr(_local, "phases", None)
    started_at, started = datetime.now(UTC), time.perf_counter()
    try:
        yield
    finally:
        if phases is not None:
            phases.append(
                Phase(name=name, started_at=started_at, duration_seconds=time.perf_counter() - started)
            )
