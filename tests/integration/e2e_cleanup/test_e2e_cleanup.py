"""After an e2e run, nothing is left: no stack, no Lambda worker process, no listener.

Each test runs a real e2e session (pytest with fogbank's plugin) in a subprocess, on a small project with a
feature folder whose function really runs, and checks what is left once the session has ended:
- normally, after the tests passed;
- interrupted with Ctrl-C (SIGINT to the session's process group, as a terminal sends it) while a test runs;
- with a feature whose deploy fails (a resource type that does not exist);
- with pipelined deploys (several features per worker): interrupted while the next feature's stack is being
  deployed ahead, or stopped by `-x` with a stack deployed ahead that no test used.

Two views:
- target `local` (the default): the session starts its own LocalCloud; a watcher thread records every
  descendant process of the session and every listening socket they hold while it runs; afterwards none of
  them may still exist.
- target `aws`, whose endpoint (AWS_ENDPOINT_URL) is a LocalCloud of this test process, standing in for AWS:
  afterwards CloudFormation must list no stack that is not DELETE_COMPLETE, and Lambda no function.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fogbank.cloud import LocalCloud

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
SESSION_DEADLINE_SECONDS = 600

PROBE_INFRASTRUCTURE = """
from fogbank.infrastructure import BaseInfrastructure


class ProbeStack(BaseInfrastructure):
    def create_resources(self) -> None:
        self.create_lambda_functions()
"""
BROKEN_INFRASTRUCTURE = """
from aws_cdk import CfnResource

from fogbank.infrastructure import BaseInfrastructure


class BrokenStack(BaseInfrastructure):
    def create_resources(self) -> None:
        self.create_lambda_functions()
        # no such type, on AWS or on the local cloud: the deploy fails after the function was created
        CfnResource(self.stack, "Broken", type="AWS::Fogbank::DoesNotExist", properties={"Name": "x"})
"""
PROBE_HANDLER = """
def lambda_handler(event, context):
    return {"probe": "ok"}
"""
PROBE_TEST = """
import json
import os
import time
from pathlib import Path

import pytest

from fogbank import data_fetcher

pytestmark = pytest.mark.xdist_group(name="{feature}")


def test_probe(infrastructure):
    # the function really runs: a Lambda worker process exists from here on
    response, _ = data_fetcher.get_lambda_response(lambda_arn=infrastructure["ProbeHandlerArn"])
    assert json.loads(response["Payload"].read()) == {{"probe": "ok"}}
    assert os.environ.get("PROBE_FAIL_FEATURE") != "{feature}", "this feature's test fails on purpose"
    marker = os.environ.get("PROBE_RUNNING_MARKER")
    if marker:  # the Ctrl-C case: say "running", then wait to be interrupted
        Path(marker).write_text("running")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.1)
"""


@dataclass
class Watched:
    """What a session started: processes (pid -> (start time, command)) and listening socket inodes."""

    processes: dict[int, tuple[str, str]] = field(default_factory=dict)
    listeners: dict[str, str] = field(default_factory=dict)  # inode -> "addr:port (pid)"


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _start_time(pid: int) -> str | None:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _is_alive(pid: int, start_time: str) -> bool:
    """Alive and the same process (a reused pid has another start time); zombies count as gone."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == start_time and fields[0] != "Z"


def _listening_inodes() -> dict[str, str]:
    """inode -> "addr:port" of every TCP socket in LISTEN state (IPv4 and IPv6)."""
    found: dict[str, str] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A":  # LISTEN
                found[parts[9]] = parts[1]
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in (Path("/proc") / str(pid) / "fd").iterdir():
            try:
                link = os.readlink(fd)
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    except OSError:
        pass
    return inodes


def _watch(root_pid: int, watched: Watched, stop: threading.Event) -> None:
    """Record the session's descendants and their listening sockets until `stop` is set."""
    while not stop.is_set():
        children = _children_map()
        pending, descendants = [root_pid], []
        while pending:
            pid = pending.pop()
            descendants.append(pid)
            pending.extend(children.get(pid, []))
        listening = _listening_inodes()
        for pid in descendants:
            start = _start_time(pid)
            if start is None:
                continue
            if pid != root_pid and pid not in watched.processes:
                try:
                    command = (
                        (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                    )
                except OSError:
                    command = "?"
                watched.processes[pid] = (start, command.strip())
            for inode in _socket_inodes(pid) & listening.keys():
                watched.listeners[inode] = f"{listening[inode]} (pid {pid})"
        stop.wait(0.05)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Feature folders `probe`, `second`, `third` (deploy fine) and `broken` (its deploy fails)."""
    root = tmp_path_factory.mktemp("cleanup-project")
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [tool.fogbank]
            layer_requirements = ["aws-lambda-powertools==3.37.0"]
            cdk_out = "{root / "cdk.out"}"
            """
        )
    )
    features = [(name, PROBE_INFRASTRUCTURE) for name in ("probe", "second", "third")]
    for feature, infrastructure in (*features, ("broken", BROKEN_INFRASTRUCTURE)):
        folder = root / "tests" / "e2e" / feature
        (folder / "handlers").mkdir(parents=True)
        (folder / "infrastructure.py").write_text(infrastructure)
        (folder / "handlers" / "probe_handler.py").write_text(PROBE_HANDLER)
        (folder / f"test_{feature}.py").write_text(PROBE_TEST.format(feature=feature))
    return root


@pytest.fixture(scope="module")
def stand_in_for_aws() -> Iterator[LocalCloud]:
    """A LocalCloud in this process, standing in for AWS for the `aws` target (with CDK's asset bucket)."""
    with LocalCloud() as cloud:
        cloud.client("s3").create_bucket(
            Bucket=f"cdk-hnb659fds-assets-{cloud.context.account_id}-{cloud.region}"
        )
        yield cloud


def _session_env(project: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "PYTEST_", "FOGBANK_"))
    }
    env.update({"PYTHONUNBUFFERED": "1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"})
    env.update(extra or {})
    return env


def _run_session(
    project: Path, args: list[str], env: dict[str, str], interrupt_marker: Path | None = None
) -> tuple[int, str, Watched]:
    """Run pytest on `project` in a new process group; with `interrupt_marker`, Ctrl-C it once it exists."""
    watched, stop = Watched(), threading.Event()
    log = project / f"session-{time.monotonic_ns()}.log"
    with log.open("w") as output:
        session = subprocess.Popen(
            [PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        watcher = threading.Thread(target=_watch, args=(session.pid, watched, stop), daemon=True)
        watcher.start()
        try:
            deadline = time.monotonic() + SESSION_DEADLINE_SECONDS
            while session.poll() is None and time.monotonic() < deadline:
                if interrupt_marker is not None and interrupt_marker.exists():
                    os.killpg(session.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
                    interrupt_marker = None
                time.sleep(0.05)
            if session.poll() is None:
                os.killpg(session.pid, signal.SIGKILL)
                pytest.fail(
                    f"the e2e session did not end within {SESSION_DEADLINE_SECONDS} s:\n{log.read_text()}"
                )
        finally:
            stop.set()
            watcher.join()
    return session.returncode, log.read_text(), watched


def _assert_nothing_left(watched: Watched, output: str) -> None:
    deadline = time.monotonic() + 10  # processes killed at the end may take a moment to be reaped
    while time.monotonic() < deadline:
        alive = {pid: cmd for pid, (start, cmd) in watched.processes.items() if _is_alive(pid, start)}
        listening = {
            inode: where for inode, where in watched.listeners.items() if inode in _listening_inodes()
        }
        if not alive and not listening:
            return
        time.sleep(0.1)
    assert not alive, f"processes left after the session: {alive}\n{output}"
    assert not listening, f"listeners left after the session: {listening}\n{output}"


def _assert_no_stack_left(cloud: LocalCloud, output: str) -> None:
    summaries = cloud.client("cloudformation").list_stacks()["StackSummaries"]
    left = {s["StackName"]: s["StackStatus"] for s in summaries if s["StackStatus"] != "DELETE_COMPLETE"}
    assert left == {}, f"stacks left after the session: {left}\n{output}"
    functions = [f["FunctionName"] for f in cloud.client("lambda").list_functions()["Functions"]]
    assert functions == [], f"functions left after the session: {functions}\n{output}"


@pytest.mark.parametrize("workers", [["-n", "0"], ["-n", "2", "--dist", "loadgroup"]])
def test_local_run_leaves_no_process_or_listener(project: Path, workers: list[str]):
    # GIVEN a passing feature, run on the session's own LocalCloud(s)
    # WHEN the session runs to its end
    code, output, watched = _run_session(project, [*workers, "tests/e2e/probe"], _session_env(project))

    # THEN it passed, it did start worker processes and listeners, and none of them is left
    assert code == 0, output
    assert watched.processes, "the watcher saw no process of the session; it cannot judge cleanup"
    assert watched.listeners, "the watcher saw no listener of the session; it cannot judge cleanup"
    _assert_nothing_left(watched, output)


@pytest.mark.parametrize("workers", [["-n", "0"], ["-n", "2", "--dist", "loadgroup"]])
def test_local_run_interrupted_with_ctrl_c_leaves_nothing(project: Path, tmp_path: Path, workers: list[str]):
    # GIVEN a test that signals when it runs (its function was invoked), then waits
    marker = tmp_path / "running"
    env = _session_env(project, {"PROBE_RUNNING_MARKER": str(marker)})

    # WHEN the session gets Ctrl-C while that test runs
    code, output, watched = _run_session(project, [*workers, "tests/e2e/probe"], env, interrupt_marker=marker)

    # THEN pytest reports the interruption, and no process or listener is left
    assert marker.exists(), output
    assert code == pytest.ExitCode.INTERRUPTED or "KeyboardInterrupt" in output, output
    _assert_nothing_left(watched, output)


def test_local_run_with_failing_deploy_leaves_nothing(project: Path):
    # GIVEN a feature whose stack cannot be created
    # WHEN the session runs it
    code, output, watched = _run_session(project, ["-n", "0", "tests/e2e/broken"], _session_env(project))

    # THEN its test errors in setup, naming the resource, and no process or listener is left
    assert code == pytest.ExitCode.TESTS_FAILED, output
    assert "AWS::Fogbank::DoesNotExist" in output
    _assert_nothing_left(watched, output)


@pytest.mark.parametrize(
    ("feature", "interrupt", "expected_code"),
    [
        ("probe", False, pytest.ExitCode.OK),
        ("probe", True, pytest.ExitCode.INTERRUPTED),
        ("broken", False, pytest.ExitCode.TESTS_FAILED),
    ],
)
def test_aws_target_run_leaves_no_stack(
    project: Path,
    tmp_path: Path,
    stand_in_for_aws: LocalCloud,
    feature: str,
    interrupt: bool,
    expected_code: int,
):
    # GIVEN the `aws` target, reaching a LocalCloud of this process as its AWS endpoint
    marker = tmp_path / "running"
    env = _session_env(
        project, {**stand_in_for_aws.env(), **({"PROBE_RUNNING_MARKER": str(marker)} if interrupt else {})}
    )

    # WHEN a session runs to its end / is interrupted with Ctrl-C / has a failing deploy
    code, output, _ = _run_session(
        project,
        ["-n", "0", "--fogbank-target", "aws", f"tests/e2e/{feature}"],
        env,
        interrupt_marker=marker if interrupt else None,
    )

    # THEN it ended as expected, and the endpoint has no stack and no function left
    assert code == expected_code, output
    _assert_no_stack_left(stand_in_for_aws, output)


def test_local_pipelined_run_interrupted_while_deploying_ahead_leaves_nothing(project: Path, tmp_path: Path):
    # GIVEN two features on one process: while probe's test runs, second's stack is deployed ahead
    marker = tmp_path / "running"
    env = _session_env(project, {"PROBE_RUNNING_MARKER": str(marker)})

    # WHEN the session gets Ctrl-C during probe's test
    code, output, watched = _run_session(
        project, ["-n", "0", "tests/e2e/probe", "tests/e2e/second"], env, interrupt_marker=marker
    )

    # THEN it was interrupted, and no process or listener is left (the deploy ahead included)
    assert marker.exists(), output
    assert code == pytest.ExitCode.INTERRUPTED or "KeyboardInterrupt" in output, output
    _assert_nothing_left(watched, output)


@pytest.mark.parametrize(
    ("args", "extra_env", "interrupt", "expected_code"),
    [
        (["-n", "0", "tests/e2e/probe", "tests/e2e/second"], {}, True, pytest.ExitCode.INTERRUPTED),
        (
            ["-n", "2", "--dist", "loadgroup", "tests/e2e/probe", "tests/e2e/second", "tests/e2e/third"],
            {},
            True,
            pytest.ExitCode.INTERRUPTED,
        ),
        (
            ["-n", "0", "-x", "tests/e2e/probe", "tests/e2e/second"],
            {"PROBE_FAIL_FEATURE": "probe"},
            False,
            pytest.ExitCode.TESTS_FAILED,
        ),
        (["-n", "2", "--dist", "loadgroup", "tests/e2e"], {}, False, pytest.ExitCode.TESTS_FAILED),
    ],
    ids=["ctrl-c-one-process", "ctrl-c-two-workers", "stopped-by-x", "whole-suite-two-workers"],
)
def test_aws_target_pipelined_run_leaves_no_stack(
    project: Path,
    tmp_path: Path,
    stand_in_for_aws: LocalCloud,
    args: list[str],
    extra_env: dict[str, str],
    interrupt: bool,
    expected_code: int,
):
    # GIVEN the `aws` target (a LocalCloud of this process as its endpoint), several features per worker
    marker = tmp_path / "running"
    env = _session_env(
        project,
        {
            **stand_in_for_aws.env(),
            **extra_env,
            **({"PROBE_RUNNING_MARKER": str(marker)} if interrupt else {}),
        },
    )

    # WHEN the session is interrupted with Ctrl-C / stopped by -x after a failing test / runs to its end
    code, output, _ = _run_session(
        project, ["--fogbank-target", "aws", *args], env, interrupt_marker=marker if interrupt else None
    )

    # THEN it ended as expected, and every stack started (deployed ahead or not) is gone
    assert code == expected_code, output
    _assert_no_stack_left(stand_in_for_aws, output)
