"""The request floor: a moto-answered control-plane call through `fogbank cloud start` vs moto's own server.

Both servers run as a user runs them, each in its own process on 127.0.0.1: `fogbank cloud start --port 0`
and moto's `ThreadedMotoServer(port=0)`. One boto3 session in this process builds the same clients for both
(same config, keep-alive connections), creates the same resources on both, then times each operation in
alternating blocks of 10 calls (fogbank, moto, fogbank, ...) so that a busy machine slows both alike. The
figure is the median round trip of every timed call, per server; the comparison is the ratio from the same
run. (moto's server closes the connection after each answer; that is part of what is compared.)

The client's own share: the same boto3 client also calls STS GetCallerIdentity on a server that answers
every request at once with fixed bytes (its own process, keep-alive, Nagle off), in the same alternating
blocks. Its median is the floor no server can go below with this client; the table shows each server's
STS time above that floor too.

Operations (state in moto on both): STS GetCallerIdentity, Lambda GetFunctionConfiguration, IAM GetRole,
SSM GetParameter, DynamoDB DescribeTable, S3 HeadBucket.

Usage:
    .venv/bin/python benchmarks/request_floor.py             # 8 rounds of 40 calls per operation and server
    .venv/bin/python benchmarks/request_floor.py --rounds 2  # quicker
Loopback only; bounded (rounds x calls). Rows go to .benchmarks/rows/request_floor.json.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cloud_process import fogbank_cloud
from results import Row, record

MOTO_SERVER = (
    "import sys, threading\n"
    "from moto.server import ThreadedMotoServer\n"
    "server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)\n"
    "server.start()\n"
    "print(f'endpoint: http://127.0.0.1:{server._server.server_port}', flush=True)\n"
    "sys.stdin.read()\n"  # until the benchmark closes our stdin
    "server.stop()\n"
)
INSTANT_SERVER = str(Path(__file__).resolve().parent / "instant_server.py")
CLIENT_CONFIG = Config(retries={"max_attempts": 0}, max_pool_connections=4)  # every client, every server
FLOOR_OPERATION = "STS GetCallerIdentity"
TRUST = '{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
TARGET_MS, TARGET_RATIO = 2.5, 3.5
WARM_UP_SECONDS = 3.0
BLOCK = 10  # calls in a row to one server, as a test makes them


@contextmanager
def moto_server(*command: str) -> Iterator[str]:
    """moto's ThreadedMotoServer (or the server `command` runs) in its own process; yields the endpoint;
    always stops it."""
    process = subprocess.Popen(
        [sys.executable, *(command or ("-c", MOTO_SERVER))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield _endpoint(process)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        _end(process)


def _endpoint(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("endpoint: "):
        raise RuntimeError(f"the server printed {line!r} instead of its endpoint")
    return line.removeprefix("endpoint: ").strip()


def _end(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def operations(session: boto3.Session, endpoint: str) -> dict[str, Callable[[], Any]]:
    """Create the resources on `endpoint`, then return one zero-argument call per timed operation."""

    def client(service: str) -> Any:
        return session.client(service, endpoint_url=endpoint, config=CLIENT_CONFIG)

    sts, lam, iam, ssm, ddb, s3 = (client(s) for s in ("sts", "lambda", "iam", "ssm", "dynamodb", "s3"))
    role = iam.create_role(RoleName="floor", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    lam.create_function(
        FunctionName="floor", Runtime="python3.11", Role=role, Handler="app.handler", Code={"ZipFile": _zip()}
    )
    ssm.put_parameter(Name="/floor/p", Value="v", Type="String")
    ddb.create_table(
        TableName="floor",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    s3.create_bucket(Bucket="floor")
    return {
        "STS GetCallerIdentity": sts.get_caller_identity,
        "Lambda GetFunctionConfiguration": lambda: lam.get_function_configuration(FunctionName="floor"),
        "IAM GetRole": lambda: iam.get_role(RoleName="floor"),
        "SSM GetParameter": lambda: ssm.get_parameter(Name="/floor/p"),
        "DynamoDB DescribeTable": lambda: ddb.describe_table(TableName="floor"),
        "S3 HeadBucket": lambda: s3.head_bucket(Bucket="floor"),
    }


def measure(rounds: int, calls: int) -> dict[str, dict[str, list[float]]]:
    """{server: {operation: [seconds, ...]}} from alternating blocks of calls."""
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    timings: dict[str, dict[str, list[float]]] = {"fogbank": {}, "moto": {}, "floor": {}}
    with (
        fogbank_cloud() as fogbank_endpoint,
        moto_server() as moto_endpoint,
        moto_server(INSTANT_SERVER) as floor_endpoint,
    ):
        ops = {"fogbank": operations(session, fogbank_endpoint), "moto": operations(session, moto_endpoint)}
        floor_sts = session.client("sts", endpoint_url=floor_endpoint, config=CLIENT_CONFIG)
        floor_ops = {FLOOR_OPERATION: floor_sts.get_caller_identity}
        warm_until = time.monotonic() + WARM_UP_SECONDS  # connections open, models loaded, startup work done
        while time.monotonic() < warm_until:
            for server_ops in (*ops.values(), floor_ops):
                for call in server_ops.values():
                    call()
        for _ in range(rounds):
            for name in ops["fogbank"]:
                for _ in range(calls // BLOCK):
                    servers = {**ops, "floor": floor_ops} if name in floor_ops else ops
                    for server, server_ops in servers.items():  # short blocks, so all meet the same load
                        for _ in range(BLOCK):
                            started = time.perf_counter()
                            server_ops[name]()
                            timings[server].setdefault(name, []).append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--calls", type=int, default=40, help="calls per operation, server and round")
    options = parser.parse_args()
    os.environ.pop("AWS_ENDPOINT_URL", None)
    timings = measure(options.rounds, options.calls)
    rows: list[Row] = []
    print(f"{'operation':34} {'fogbank ms':>11} {'moto ms':>9} {'ratio':>6}")
    for name in timings["fogbank"]:
        ours, theirs = (statistics.median(timings[s][name]) * 1000 for s in ("fogbank", "moto"))
        print(f"{name:34} {ours:>11.2f} {theirs:>9.2f} {theirs / ours:>5.1f}x")
        rows.append(
            Row(f"  {name}, median", f"{ours:.2f} ms", f"moto {theirs:.2f} ms ({theirs / ours:.1f}x)")
        )
    ours, theirs = (
        statistics.median([t for samples in timings[s].values() for t in samples]) * 1000
        for s in ("fogbank", "moto")
    )
    ratio = theirs / ours
    met = ours <= TARGET_MS and ratio >= TARGET_RATIO
    print(f"{'every call':34} {ours:>11.2f} {theirs:>9.2f} {ratio:>5.1f}x")
    floor, sts_ours, sts_theirs = (
        statistics.median(timings[s][FLOOR_OPERATION]) * 1000 for s in ("floor", "fogbank", "moto")
    )
    above = f"above it: fogbank {sts_ours - floor:.2f} ms, moto {sts_theirs - floor:.2f} ms"
    print(f"boto3's own floor ({FLOOR_OPERATION} answered at once): {floor:.2f} ms; {above}")
    rows.append(
        Row(f"  boto3 client floor ({FLOOR_OPERATION} answered at once), median", f"{floor:.2f} ms", above)
    )
    rows.insert(
        0,
        Row(
            "moto-answered control-plane call, median",
            f"{ours:.2f} ms",
            f"ThreadedMotoServer {theirs:.2f} ms ({ratio:.1f}x faster)",
            f"<= {TARGET_MS} ms and >= {TARGET_RATIO}x",
            met,
        ),
    )
    print(f"rows written to {record('request_floor', rows)}")


if __name__ == "__main__":
    main()
