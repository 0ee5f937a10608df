"""An environment's code and layers are read-only, as on Lambda: a write into the task root or /opt fails with
EROFS (`[Errno 30] Read-only file system`) and is reported as the handler's own error; /tmp stays writable.
The last test drives the zygote directly, so that both ways an environment starts (a spare, a fork) are covered."""

from __future__ import annotations

import io
import os
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.worker import Launch
from fogbank.cloud.lambda_.zygote import Spare, Zygote
from lambda_support import invoke_json, zip_code


@pytest.fixture(scope="module")
def read_only_available(cloud: LocalCloud) -> None:
    zygote = cloud.context.lambda_._zygote
    if zygote is None:
        pytest.skip("the zygote is disabled (FOGBANK_LAMBDA_ZYGOTE=0): code and layers are writable then")
    zygote.start()
    if zygote.opt_error is not None:
        pytest.skip(f"this machine has no user + mount namespaces: {zygote.opt_error}")


@pytest.fixture(scope="module")
def layer_arn(lambda_client: Any) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/shared.py", "VALUE = 1\n")
    answer = lambda_client.publish_layer_version(LayerName="ro-layer", Content={"ZipFile": buffer.getvalue()})
    return str(answer["LayerVersionArn"])


PYTHON_WRITER = """
import os
def handler(event, context):
    directory = os.environ["LAMBDA_TASK_ROOT"] if event["where"] == "task root" else event["where"]
    path = os.path.join(directory, "written-by-handler.txt")
    with open(path, "w") as file:
        file.write("hello")
    os.remove(path)  # leave nothing behind (/tmp is the machine's where namespaces are unavailable)
    return {"wrote": path}
"""


@pytest.mark.parametrize("where", ["task root", "/opt", "/var/tmp", "/var/lang"])
def test_a_python_write_into_code_or_layers_fails_as_on_lambda(
    read_only_available: None,
    cloud: LocalCloud,
    lambda_client: Any,
    make_function: Callable[..., str],
    layer_arn: str,
    where: str,
) -> None:
    # GIVEN a Python function with a layer, whose handler writes a file into `where` (/var is overlaid only where
    # code can be at /var/task: elsewhere it is the machine's)
    zygote = cloud.context.lambda_._zygote
    if where.startswith("/var") and zygote is not None and zygote.var_task_error is not None:
        pytest.skip(f"/var is the machine's here: {zygote.var_task_error}")
    name = make_function({"app.py": PYTHON_WRITER}, Layers=[layer_arn])

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name, {"where": where})

    # THEN the write fails with EROFS, reported as Lambda reports the handler's exception
    assert response.get("FunctionError") == "Unhandled", body
    assert body["errorType"] == "OSError"
    assert body["errorMessage"].startswith("[Errno 30] Read-only file system: ")
    assert "written-by-handler.txt" in body["errorMessage"]


def test_a_python_write_into_tmp_works(
    read_only_available: None, lambda_client: Any, make_function: Callable[..., str], layer_arn: str
) -> None:
    # GIVEN the same kind of function, writing into /tmp
    name = make_function({"app.py": PYTHON_WRITER}, Layers=[layer_arn])

    # WHEN it is invoked twice (cold, then warm)
    first = invoke_json(lambda_client, name, {"where": "/tmp"})
    second = invoke_json(lambda_client, name, {"where": "/tmp"})

    # THEN both writes succeed
    for response, body in (first, second):
        assert "FunctionError" not in response, body
        assert body["wrote"] == "/tmp/written-by-handler.txt"


NODE_WRITER = """
const fs = require('fs');
const path = require('path');
exports.handler = async (event) => {
  const directory = event.where === 'task root' ? process.env.LAMBDA_TASK_ROOT : event.where;
  const file = path.join(directory, 'written-by-node.txt');
  fs.writeFileSync(file, 'hello');
  fs.unlinkSync(file);
  return {wrote: file};
};
"""


@pytest.mark.parametrize("where", ["task root", "/opt", "/tmp"])
def test_a_node_write_is_refused_in_code_and_layers_and_allowed_in_tmp(
    read_only_available: None, lambda_client: Any, role_arn: str, layer_arn: str, where: str
) -> None:
    # GIVEN a Node.js function with a layer, whose handler writes a file into `where`
    name = f"node-ro-{where.strip('/').replace(' ', '-')}"
    lambda_client.create_function(
        FunctionName=name,
        Runtime="nodejs20.x",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": zip_code({"index.js": NODE_WRITER})},
        Layers=[layer_arn],
    )

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name, {"where": where})

    # THEN code and layers refuse with EROFS (Node's own error), /tmp accepts
    if where == "/tmp":
        assert "FunctionError" not in response, body
        assert body == {"wrote": "/tmp/written-by-node.txt"}
    else:
        assert response.get("FunctionError") == "Unhandled", body
        assert body["errorType"] == "Error"
        assert body["errorMessage"].startswith("EROFS: read-only file system, open ")


# run by the environment itself (argv, not a handler): tries both writes and prints what each did
WRITE_PROBE = """
import errno, os
print(os.getcwd(), end=" ")
for where in (os.getcwd(), "/opt"):
    try:
        open(os.path.join(where, "probe.txt"), "w").close()
        print("written", end=" ")
    except OSError as exc:
        print(errno.errorcode[exc.errno], end=" ")
print(flush=True)
"""


@pytest.fixture
def zygote(namespaced_zygote: Zygote) -> Zygote:
    return namespaced_zygote


def _ready_spare(zygote: Zygote) -> Spare:
    deadline = time.monotonic() + 10
    while (spare := zygote.take_spare()) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert spare is not None, "the zygote kept no spare ready within 10 s"
    return spare


@pytest.mark.parametrize("shown_at", ["host path", "/var/task"])
@pytest.mark.parametrize("path", ["spare", "forked on request"])
def test_both_ways_an_environment_starts_make_code_and_layers_read_only(
    zygote: Zygote, tmp_path: Path, path: str, shown_at: str
) -> None:
    # GIVEN a task root and a layer directory, both writable on the host, the code shown where `shown_at` says
    task_root, layers = tmp_path / "lambda" / "code" / "abc", tmp_path / "lambda" / "opt" / "def"
    task_root.mkdir(parents=True)
    layers.mkdir(parents=True)
    argv = [sys.executable, "-S", "-c", WRITE_PROBE]
    if shown_at == "/var/task":
        if zygote.var_task_error is not None:
            pytest.skip(f"this machine cannot show code at /var/task: {zygote.var_task_error}")
        launch = Launch(argv, Path("/var/task"), {}, opt_source=layers, task_source=task_root)
    else:
        launch = Launch(argv, task_root, {}, opt_source=layers)

    # WHEN an environment starts from a spare, or (none taken) is forked by the zygote, and writes into both
    spare = _ready_spare(zygote) if path == "spare" else None
    env = {
        "PATH": os.environ["PATH"],
        "AWS_LAMBDA_RUNTIME_API": spare.api.address if spare else "127.0.0.1:9",
    }
    process = zygote.fork(launch, env, spare=spare)
    if spare is not None:
        spare.api.close()  # the probe never calls it
    assert process.stdout is not None
    line = process.stdout.readline().decode().split()

    # THEN both writes (into the working directory, the task root) were refused with EROFS, and nothing reached
    # the host's directories
    assert line == [str(launch.cwd), "EROFS", "EROFS"]
    assert list(task_root.iterdir()) == [] and list(layers.iterdir()) == []
