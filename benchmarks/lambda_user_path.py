"""Lambda as a user meets it: `fogbank cloud start` in its own process, boto3 from this one.

Each figure is printed next to its comparison from the same run:
- every row runs twice, against a cloud started with FOGBANK_LAMBDA_ZYGOTE=0 (each execution environment is a
  new interpreter: the way before the pre-initialised runtime) and against a default cloud;
- the Powertools cold start is judged against the time its imports take inside the same environment (the
  handler measures them), so that row's "minus those imports" is everything else the cold start costs. For
  reference, a fresh interpreter's import of the same layer is printed too, run with the variables Lambda gives
  a function (LAMBDA_TASK_ROOT, AWS_EXECUTION_ENV, X-Ray's ...): without them the X-Ray SDK takes its
  non-Lambda path, which made that import about 80 ms slower than inside a function (247 against 163 ms,
  interleaved, one run) and so no fair yardstick for a cold start.

Rows (issue #14's Lambda rows): warm Invoke median; cold start of a bare Python handler (first Invoke after
CreateFunction, median of several new functions); cold start with Powertools imported; 8 concurrent
invocations of a 0.5 s handler; 100 concurrent invocations over 10 functions of a 0.2 s handler, with a check
that each invocation's log line is in CloudWatch Logs exactly once.

Usage:
    .venv/bin/python benchmarks/lambda_user_path.py             # both modes
    .venv/bin/python benchmarks/lambda_user_path.py --only new  # the default cloud only
Results are printed and written to .benchmarks/lambda_user_path.json. Loopback only, bounded.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from cloud_process import fogbank_cloud

from layer_support import layer_zip

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / ".benchmarks" / "lambda_user_path.json"
NOOP = "def handler(event, context):\n    return {'ok': True}\n"
SLEEPER = "import time\ndef handler(event, context):\n    print('ran', event['id'])\n    time.sleep({s})\n    return 1\n"
POWERTOOLS = """
    import time
    _started = time.perf_counter()
    from aws_lambda_powertools import Logger, Metrics, Tracer
    logger, metrics, tracer = Logger(), Metrics(), Tracer()
    IMPORT_MS = (time.perf_counter() - _started) * 1000

    def handler(event, context):
        return IMPORT_MS
"""
POWERTOOLS_IMPORT = (
    "import time; t = time.perf_counter(); "
    "from aws_lambda_powertools import Logger, Metrics, Tracer; Logger(); Metrics(); Tracer(); "
    "print((time.perf_counter() - t) * 1000)"
)
MODES = {"before": {"FOGBANK_LAMBDA_ZYGOTE": "0"}, "new": {}}


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(source))
    return buffer.getvalue()


class Client:
    def __init__(self, endpoint: str, runtime: str = "python3.11") -> None:
        self.runtime = runtime
        session = boto3.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
        )
        config = Config(max_pool_connections=128, retries={"max_attempts": 1}, read_timeout=60)
        self.lam = session.client("lambda", endpoint_url=endpoint, config=config)
        self.logs = session.client("logs", endpoint_url=endpoint, config=config)
        iam = session.client("iam", endpoint_url=endpoint, config=config)
        self.role = iam.create_role(RoleName=f"bench-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument="{}")[
            "Role"
        ]["Arn"]

    def create(self, source: str, *, layers: list[str] | None = None, prefix: str = "bench") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        self.lam.create_function(
            FunctionName=name,
            Runtime=self.runtime,
            Role=self.role,
            Handler="app.handler",
            Code={"ZipFile": _zip(source)},
            Layers=layers or [],
            Timeout=30,
        )
        return name

    def invoke(self, name: str, payload: dict[str, Any] | None = None) -> bytes:
        response = self.lam.invoke(FunctionName=name, Payload=json.dumps(payload or {}).encode())
        body = bytes(response["Payload"].read())
        if "FunctionError" in response:
            raise RuntimeError(f"{name} failed: {body[:300]!r}")
        return body


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def warm_invoke_ms(client: Client, rounds: int = 200) -> float:
    name = client.create(NOOP)
    for _ in range(10):
        client.invoke(name)
    return statistics.median(_timed(lambda: client.invoke(name)) for _ in range(rounds)) * 1000


def cold_start_ms(client: Client, source: str, rounds: int, layers: list[str] | None = None) -> float:
    timings = []
    for _ in range(rounds):
        name = client.create(source, layers=layers)
        timings.append(_timed(lambda name=name: client.invoke(name)))  # type: ignore[misc]
    return statistics.median(timings) * 1000


def powertools_cold_start(client: Client, layer: str, rounds: int) -> tuple[float, float, float]:
    """Median cold start, median import time inside the environment, median cold start minus that import."""
    totals, imports = [], []
    for _ in range(rounds):
        name = client.create(POWERTOOLS, layers=[layer])
        started = time.perf_counter()
        imported_ms = float(client.invoke(name))
        totals.append((time.perf_counter() - started) * 1000)
        imports.append(imported_ms)
    overheads = [total - imported for total, imported in zip(totals, imports, strict=True)]
    return statistics.median(totals), statistics.median(imports), statistics.median(overheads)


def powertools_import_ms(layer_dir: Path, rounds: int = 7) -> float:
    """What importing Powertools costs a fresh interpreter with the layer and the runtime on its path, and the
    variables Lambda sets for a function (Powertools and the X-Ray SDK choose their Lambda paths from them)."""
    from fogbank.cloud.lambda_.python_runtime import build_runtime_dir

    runtime_dir = build_runtime_dir(layer_dir / "state")  # the runtime's own boto3, as workers have
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": f"{layer_dir / 'python'}:{runtime_dir}",
        "AWS_LAMBDA_FUNCTION_NAME": "bench",  # as in a function: Powertools' Tracer is enabled, as there
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_REGION": "us-east-1",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "LAMBDA_TASK_ROOT": str(layer_dir),
        "_HANDLER": "app.handler",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "TZ": ":UTC",
    }
    timings = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-S", "-c", POWERTOOLS_IMPORT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        timings.append(float(out.stdout.strip()))
    return statistics.median(timings)


def concurrent_s(client: Client, functions: list[str], per_function: int) -> tuple[float, int, int]:
    """Wall time of invoking every function `per_function` times at once; (seconds, invocations, log errors)."""
    calls = [(name, f"{name}-{i}-{uuid.uuid4().hex[:6]}") for name in functions for i in range(per_function)]
    with ThreadPoolExecutor(len(calls)) as pool:
        started = time.perf_counter()
        list(pool.map(lambda call: client.invoke(call[0], {"id": call[1]}), calls))
        elapsed = time.perf_counter() - started
    missing = 0
    for name, marker in calls:
        events = client.logs.filter_log_events(
            logGroupName=f"/aws/lambda/{name}", filterPattern=f'"ran {marker}"'
        )["events"]
        if len([e for e in events if e["message"].strip() == f"ran {marker}"]) != 1:
            missing += 1
    return elapsed, len(calls), missing


def run_mode(mode: str, layer_arn_zip: bytes, runtime: str = "python3.11") -> dict[str, float]:
    figures: dict[str, float] = {}
    with fogbank_cloud(env=MODES[mode]) as endpoint:
        client = Client(endpoint, runtime)
        figures["warm_invoke_ms"] = warm_invoke_ms(client)
        figures["cold_start_bare_ms"] = cold_start_ms(client, NOOP, rounds=7)
        layer = client.lam.publish_layer_version(LayerName="powertools", Content={"ZipFile": layer_arn_zip})
        (
            figures["cold_start_powertools_ms"],
            figures["powertools_import_in_env_ms"],
            figures["powertools_overhead_ms"],
        ) = powertools_cold_start(client, layer["LayerVersionArn"], rounds=7)
        eight = [client.create(SLEEPER.replace("{s}", "0.5"))]
        concurrent_s(client, eight, 8)  # warm-up: eight environments exist
        figures["eight_half_second_s"], _, figures["eight_log_errors"] = concurrent_s(client, eight, 8)
        ten = [client.create(SLEEPER.replace("{s}", "0.2")) for _ in range(10)]
        figures["hundred_over_ten_s"], _, figures["hundred_log_errors"] = concurrent_s(client, ten, 10)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=sorted(MODES), help="run one mode only")
    parser.add_argument(
        "--runtime",
        default="python3.11",
        help="the functions' runtime (default python3.11); e.g. python3.13 measures the standard library's "
        "emulation of another minor (docs/local-cloud-lambda.md, Runtimes)",
    )
    args = parser.parse_args()
    layer = layer_zip("aws-lambda-powertools", "aws-xray-sdk")
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(io.BytesIO(layer)) as archive:
            archive.extractall(tmp)
        import_ms = powertools_import_ms(Path(tmp))
    results: dict[str, dict[str, float]] = {}
    for mode in [args.only] if args.only else list(MODES):
        results[mode] = run_mode(mode, layer, args.runtime)
    rows = [
        ("warm Invoke, median (ms)", "warm_invoke_ms", "<= 3"),
        ("cold start, bare handler, median (ms)", "cold_start_bare_ms", "<= 60"),
        ("cold start, Powertools imported, median (ms)", "cold_start_powertools_ms", "imports+20"),
        ("  the handler's imports inside it, median (ms)", "powertools_import_in_env_ms", ""),
        ("  cold start minus those imports, median (ms)", "powertools_overhead_ms", "<= 20"),
        ("8 concurrent x 0.5 s handler (s)", "eight_half_second_s", "<= 0.7"),
        ("  log lines not present exactly once", "eight_log_errors", "0"),
        ("100 concurrent over 10 functions x 0.2 s (s)", "hundred_over_ten_s", "<= 2"),
        ("  log lines not present exactly once", "hundred_log_errors", "0"),
    ]
    modes = list(results)
    print(
        "\nPowertools import in a fresh `python -S` (same layer, runtime and Lambda variables; reference only, "
        f"the row below is judged against the imports inside the environment): {import_ms:.1f} ms"
    )
    print(f"{'row':48} " + " ".join(f"{m:>10}" for m in modes) + f" {'target':>10}")
    for label, key, target in rows:
        print(f"{label:48} " + " ".join(f"{results[m][key]:>10.3g}" for m in modes) + f" {target:>10}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"powertools_import_ms": import_ms, **results}, indent=2))
    record_rows(rows, results)


def record_rows(rows: list[tuple[str, str, str]], results: dict[str, dict[str, float]]) -> None:
    """make bench's table: the default cloud's figure beside the zygote-less one from this run."""
    from results import Row, record

    if "new" not in results:
        return
    table: list[Row] = []
    for label, key, target in rows:
        value = results["new"][key]
        before = f"FOGBANK_LAMBDA_ZYGOTE=0: {results['before'][key]:.3g}" if "before" in results else ""
        met: bool | None = None
        if target.startswith("<= "):
            met = value <= float(target.removeprefix("<= "))
        elif target == "0":
            met = value == 0
        elif target == "imports+20":  # the imports measured inside the same environments
            met = value <= results["new"]["powertools_import_in_env_ms"] + 20
        table.append(Row(label, f"{value:.3g}", before, target, met))
    print(f"rows written to {record('lambda_user_path', table)}")


if __name__ == "__main__":
    main()
