"""Options of fogbank's pytest plugin that are checked before anything runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_max_stacks_below_one_is_a_usage_error(tmp_path: Path) -> None:
    # GIVEN a pytest run asked to keep at most 0 stacks alive
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--fogbank-max-stacks",
        "0",
        "-p",
        "no:cacheprovider",
        str(tmp_path),
    ]
    # WHEN it starts
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False
    )
    # THEN it stops at once as a usage error naming the option (0 is not silently "the default")
    assert completed.returncode == 4, completed.stdout + completed.stderr
    assert "--fogbank-max-stacks must be 1 or more, not 0" in completed.stderr
