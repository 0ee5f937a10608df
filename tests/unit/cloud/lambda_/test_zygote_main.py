"""What the pre-initialised runtime (zygote) imports before it forks environments (zygote_main.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fogbank.cloud.lambda_.python_runtime import ZYGOTE_MODULE, build_runtime_dir

PROBE = f"""
import json, sys
import {ZYGOTE_MODULE} as zygote
print(json.dumps({{"preloaded": list(zygote.PRELOADED), "modules": sorted(sys.modules)}}))
"""


def test_zygote_preloads_the_runtime_client_and_nothing_a_layer_could_ship(tmp_path: Path) -> None:
    # GIVEN the runtime directory a zygote starts with
    runtime_dir = build_runtime_dir(tmp_path)

    # WHEN its module is imported in an interpreter like the zygote's (-S, the runtime as its only path)
    out = subprocess.run(
        [sys.executable, "-S", "-c", PROBE],
        env={"PYTHONPATH": str(runtime_dir)},
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    report = json.loads(out.stdout)
    modules = set(report["modules"])

    # THEN the runtime client's modules and the standard library it needs are loaded ...
    assert set(report["preloaded"]) <= modules
    assert {"awslambdaric.lambda_runtime_marshaller", "logging", "http.client"} <= modules
    # AND nothing a function or layer ships its own version of, nor what reads the environment at import
    for absent in ("boto3", "botocore", "urllib3", "awslambdaric.lambda_runtime_client", "runtime_client"):
        assert absent not in modules, absent
    assert "awslambdaric.bootstrap" not in modules
