"""`fogbank cloud start` in its own process, as a user runs it: the benchmarks' one way to start a cloud.

Example:
    >>> with fogbank_cloud("--no-console") as endpoint:  # doctest: +SKIP
    ...     boto3.client("sts", endpoint_url=endpoint).get_caller_identity()
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

FOGBANK = Path(sys.executable).parent / "fogbank"


@contextmanager
def fogbank_cloud(*options: str, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """`fogbank cloud start --port 0 [options]`; yields its endpoint; always stops it and removes its state."""
    state = tempfile.mkdtemp(prefix="fogbank-bench-")
    process = subprocess.Popen(
        [str(FOGBANK), "cloud", "start", "--port", "0", *options, "--state-dir", state],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("endpoint: "):
            raise RuntimeError(f"fogbank cloud start printed {line!r}")
        yield line.removeprefix("endpoint: ").strip()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(state, ignore_errors=True)
