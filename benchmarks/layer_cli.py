"""The AWS CLI from CDK's AwsCliLayer, run inside a Lambda environment as BucketDeployment runs it, against the
same CLI run on this host: what a `#!/var/lang/bin/python` layer script costs in the local cloud.

BucketDeployment's function runs `/opt/awscli/aws s3 cp` twice and `s3 sync` once per deployment, each a new
process, so this CLI's start-up is most of the cdk_constructs stack's deploy. The layer is the one the pinned
`aws-cdk.asset-awscli-v1` package ships. Figures, from one run:

- `s3 cp` of a small object inside a function (`subprocess.run`, as the handler does), median of the runs after
  the first, wall and CPU (the child's user + system time), next to the same command run on this host by the
  same interpreter with a warm bytecode cache of its own (the comparison from the same run);
- the first such run in a cloud on a machine whose fogbank cache is empty (every module compiled once), and the
  first run in a second cloud that has just started on the same cache (what a fresh cloud pays).

Each cloud is `fogbank cloud start` in its own process, on a temporary FOGBANK_CACHE_DIR; boto3 from this one.

Usage:
    .venv/bin/python benchmarks/layer_cli.py
Loopback only; each cloud is stopped and the temporary directories removed. Rows go to
.benchmarks/rows/layer_cli.json.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
import zipfile
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cloud_process import fogbank_cloud
from results import Row, record

RUNS = 6
CLI = "/opt/awscli/aws"
HANDLER = """
import resource, subprocess, time
def handler(event, context):
    timings = []
    for _ in range(event["runs"]):
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(event["argv"], check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        timings.append([time.perf_counter() - started, cpu])
    return timings
"""
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def awscli_layer_zip() -> bytes:
    """The layer .zip inside the installed aws-cdk.asset-awscli-v1 package (its jsii tarball's lib/layer.zip),
    found without importing the package (that would start jsii's Node.js runtime)."""
    files = distribution("aws-cdk.asset-awscli-v1").files or []
    tarball = next(Path(str(f.locate())) for f in files if f.name.endswith(".jsii.tgz"))
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/lib/layer.zip")
        assert member is not None, f"{tarball} has no package/lib/layer.zip"
        return member.read()


def _client(endpoint: str, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def in_function(endpoint: str, layer: bytes, invocations: int) -> list[list[list[float]]]:
    """Per invocation of one new function, the (wall s, CPU s) of each `aws s3 cp` it ran."""
    s3, iam, lam = (_client(endpoint, name) for name in ("s3", "iam", "lambda"))
    s3.create_bucket(Bucket="cli-source")
    s3.put_object(Bucket="cli-source", Key="site.zip", Body=b"x" * 339)
    role = iam.create_role(RoleName=f"cli-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument="{}")["Role"]
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="s3", PolicyDocument=json.dumps(POLICY))
    layer_arn = lam.publish_layer_version(LayerName="awscli", Content={"ZipFile": layer})["LayerVersionArn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    name = f"cli-{uuid.uuid4().hex[:8]}"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role["Arn"],
        Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()},
        Layers=[layer_arn],
        Timeout=120,
        MemorySize=1024,
    )
    argv = [CLI, "s3", "cp", "s3://cli-source/site.zip", f"/tmp/cli-{uuid.uuid4().hex[:8]}.zip"]
    results = []
    for _ in range(invocations):
        answer = lam.invoke(FunctionName=name, Payload=json.dumps({"runs": RUNS, "argv": argv}).encode())
        body = answer["Payload"].read()
        if "FunctionError" in answer:
            raise RuntimeError(f"the CLI failed inside the function: {body[:500]!r}")
        results.append(json.loads(body))
    with contextlib.suppress(FileNotFoundError):  # in the environment's own /tmp (gone with it); on the
        os.unlink(argv[-1])  # machine's /tmp only where the cloud has no namespaces (FOGBANK_LAMBDA_ZYGOTE=0)
    return results


def on_host(endpoint: str, layer: bytes, work: Path) -> list[list[float]]:
    """(wall s, CPU s) of the same `s3 cp` run here by this interpreter, from the layer unpacked into `work`."""
    with zipfile.ZipFile(io.BytesIO(layer)) as archive:
        archive.extractall(work / "layer")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(work),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    python = os.path.realpath(sys.executable)
    argv = [python, "-S", "-X", f"pycache_prefix={work / 'pycache'}", str(work / "layer" / "awscli" / "aws")]
    argv += ["s3", "cp", "s3://cli-source/site.zip", str(work / "site.zip")]
    timings = []
    for _ in range(RUNS + 1):  # the first compiles into this run's own cache
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        timings.append(
            [
                time.perf_counter() - started,
                after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            ]
        )
    return timings[1:]


def _median_ms(timings: list[list[float]]) -> tuple[float, float]:
    return statistics.median(t[0] for t in timings) * 1000, statistics.median(t[1] for t in timings) * 1000


def main() -> None:
    layer = awscli_layer_zip()
    with tempfile.TemporaryDirectory(prefix="fogbank-layer-cli-") as scratch:
        work = Path(scratch)
        cache = {"FOGBANK_CACHE_DIR": str(work / "cache")}
        with fogbank_cloud("--no-console", env=cache) as endpoint:
            first_cloud = in_function(endpoint, layer, invocations=2)
            host = on_host(endpoint, layer, work)
        with fogbank_cloud("--no-console", env=cache) as endpoint:
            second_cloud = in_function(endpoint, layer, invocations=1)
    warm = [run for invocation in first_cloud for run in invocation][1:] + second_cloud[0][1:]
    warm_wall, warm_cpu = _median_ms(warm)
    host_wall, host_cpu = _median_ms(host)
    ever_wall, ever_cpu = (value * 1000 for value in first_cloud[0][0])
    fresh_wall, fresh_cpu = (value * 1000 for value in second_cloud[0][0])
    rows = [
        Row(
            "AWS CLI layer `s3 cp` inside a Lambda environment, median",
            f"{warm_wall:.0f} ms (CPU {warm_cpu:.0f} ms)",
            f"same CLI on this host: {host_wall:.0f} ms (CPU {host_cpu:.0f} ms), {warm_wall / host_wall:.2f}x",
        ),
        Row(
            "... its first run in a fresh cloud (machine's bytecode cache warm)",
            f"{fresh_wall:.0f} ms (CPU {fresh_cpu:.0f} ms)",
            f"first run ever on this machine (cache empty): {ever_wall:.0f} ms (CPU {ever_cpu:.0f} ms)",
        ),
    ]
    for row in rows:
        print(f"[layer_cli] {row.what}: {row.figure}; {row.comparison}")
    print(f"rows written to {record('layer_cli', rows)}")


if __name__ == "__main__":
    main()
