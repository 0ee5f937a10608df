"""A python3.13 function on CPython 3.13 (this machine's, interpreters.py) against the emulation on the cloud's own
interpreter: what the faithful path costs.

Rows, from one run:
- installing the runtime's packages for python3.13 into an empty cache (once per machine; runtime_wheels.py);
- a cloud's first python3.13 Invoke: it starts the python3.13 zygote (and its spares), then the cold start;
- the median cold start of a bare python3.13 handler (first Invoke after CreateFunction, new functions), on
  its own interpreter and emulated (FOGBANK_PYTHON_3_13=emulate), with python3.11 on the cloud's as reference.

Usage:
    .venv/bin/python benchmarks/python_minor_interpreters.py [--rounds 15]
Needs CPython 3.13 on this machine (pyenv, uv or PATH). Loopback only, bounded.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.interpreters import find_interpreter
from fogbank.cloud.lambda_.runtime_wheels import ensure_runtime_wheels
from fogbank.layer import host_architecture

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from lambda_support import ROLE_POLICY, zip_code

NOOP = "def handler(event, context):\n    return 1\n"


def _invoke_ms(client: Any, name: str) -> float:
    started = time.perf_counter()
    response = client.invoke(FunctionName=name, Payload=b"{}")
    response["Payload"].read()
    assert "FunctionError" not in response, response
    return (time.perf_counter() - started) * 1000


def measure(runtime: str, rounds: int, emulate: bool) -> tuple[float, float]:
    """(first Invoke of `runtime` in a new cloud, median cold start of later new functions), in ms."""
    if emulate:
        os.environ["FOGBANK_PYTHON_3_13"] = "emulate"
    try:
        with LocalCloud() as cloud:
            client = cloud.client("lambda")
            iam = cloud.client("iam")
            role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))["Role"][
                "Arn"
            ]

            def new_function() -> str:
                name = f"b-{uuid.uuid4().hex[:8]}"
                client.create_function(
                    FunctionName=name, Runtime=runtime, Role=role, Handler="app.handler",
                    Code={"ZipFile": zip_code({"app.py": NOOP})},
                )  # fmt: skip
                return name

            cloud.context.lambda_._zygote.start()  # the cloud's own zygote is up, as after any first function
            first = _invoke_ms(client, new_function())
            colds = []
            for _ in range(rounds):
                name = new_function()
                time.sleep(0.05)  # the spare taken by the previous cold start is replaced
                colds.append(_invoke_ms(client, name))
            return first, statistics.median(colds)
    finally:
        os.environ.pop("FOGBANK_PYTHON_3_13", None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    logging.getLogger("fogbank").setLevel(logging.ERROR)  # the emulated function's warning, once per function
    if find_interpreter((3, 13)).interpreter is None:
        raise SystemExit("this machine has no CPython 3.13; install one (pyenv install 3.13) to measure")
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        ensure_runtime_wheels((3, 13), host_architecture(), Path(cache))
        install_s = time.perf_counter() - started
    ensure_runtime_wheels((3, 13), host_architecture())  # the machine cache the clouds below use
    own_first, own_cold = measure("python3.13", args.rounds, emulate=False)
    emulated_first, emulated_cold = measure("python3.13", args.rounds, emulate=True)
    _, reference_cold = measure("python3.11", args.rounds, emulate=False)
    print(f"runtime packages for python3.13, first install into an empty cache: {install_s:.1f} s")
    print(f"first python3.13 Invoke of a cloud: own interpreter {own_first:.0f} ms (starts its zygote), "
          f"emulated {emulated_first:.0f} ms")  # fmt: skip
    print(f"python3.13 cold start, median of {args.rounds}: own interpreter {own_cold:.1f} ms, emulated "
          f"{emulated_cold:.1f} ms (python3.11 on the cloud's: {reference_cold:.1f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
