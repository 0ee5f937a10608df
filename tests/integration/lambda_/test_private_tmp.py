"""Each execution environment has its own /tmp, as on Lambda: empty at a cold start, kept across warm invocations
of that environment, seen by no other environment (of the same or another function) nor by the host, and sized
by the function's EphemeralStorage (a write past it fails with ENOSPC). Code, layers and the bytecode cache stay
importable although the cloud's state directory usually lives under the host's /tmp."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.machine_cache import shared_cache_root
from fogbank.cloud.lambda_.worker import Launch
from fogbank.cloud.lambda_.zygote import Zygote
from lambda_support import invoke_json, zip_code

TMP_PROBE = """
import os, time
def handler(event, context):
    path = os.path.join("/tmp", event["marker"])
    if event.get("write"):
        with open(path, "w") as file:
            file.write(event["write"])
    time.sleep(event.get("sleep", 0))
    found = open(path).read() if os.path.exists(path) else None
    stats = os.statvfs("/tmp")
    return {"found": found, "pid": os.getpid(), "size": stats.f_blocks * stats.f_frsize, "inodes": stats.f_files}
"""

FILL_TMP = """
import os
def handler(event, context):
    chunk = b"x" * (1 << 20)
    written = 0
    try:
        with open("/tmp/fill.bin", "wb") as file:
            for _ in range(event["mb"]):
                file.write(chunk)
                written += 1
            file.flush()
    finally:
        if os.path.exists("/tmp/fill.bin"):
            os.remove("/tmp/fill.bin")
    return {"written_mb": written}
"""


@pytest.fixture(scope="module")
def private_tmp_available(cloud: LocalCloud) -> None:
    zygote = cloud.context.lambda_._zygote
    if zygote is None:
        pytest.skip("the zygote is disabled (FOGBANK_LAMBDA_ZYGOTE=0): /tmp is the machine's then")
    zygote.start()
    if zygote.opt_error is not None:
        pytest.skip(f"this machine has no user + mount namespaces: {zygote.opt_error}")


def _probe(lambda_client: Any, name: str, **event: Any) -> dict[str, Any]:
    response, body = invoke_json(lambda_client, name, event)
    assert "FunctionError" not in response, body
    return dict(body)


def test_a_file_in_tmp_stays_with_its_environment_only(
    private_tmp_available: None, cloud: LocalCloud, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function whose first invocation wrote a file into /tmp
    name = make_function({"app.py": TMP_PROBE}, Timeout=30)
    marker = f"fogbank-tmp-{uuid.uuid4().hex}"
    first = _probe(lambda_client, name, marker=marker, write="hello")

    # WHEN it is invoked again (warm), concurrently with that busy environment (a second environment), by
    # another function, and after an update (a cold start)
    warm = _probe(lambda_client, name, marker=marker)
    busy: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: busy.update(_probe(lambda_client, name, marker=marker, sleep=2)))
    thread.start()
    try:
        threading.Event().wait(0.5)
        concurrent = _probe(lambda_client, name, marker=marker)
    finally:
        thread.join()
    other = _probe(lambda_client, make_function({"app.py": TMP_PROBE}), marker=marker)
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"V": "2"}})
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)
    cold = _probe(lambda_client, name, marker=marker)

    # THEN only the environment that wrote it sees it; the host's /tmp never got it
    assert first["found"] == warm["found"] == busy["found"] == "hello"
    assert warm["pid"] == busy["pid"] == first["pid"]
    assert concurrent["pid"] != first["pid"] and concurrent["found"] is None
    assert other["found"] is None
    assert cold["pid"] != first["pid"] and cold["found"] is None
    assert not os.path.exists(os.path.join("/tmp", marker))
    assert not any(marker in files for _, _, files in os.walk(cloud.context.state_dir))


def test_tmp_is_sized_by_ephemeral_storage_and_a_write_past_it_fails_with_enospc(
    private_tmp_available: None, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function with the default EphemeralStorage (512 MB) and one with 600 MB
    small = make_function({"app.py": FILL_TMP}, Timeout=60, MemorySize=1024)
    larger = make_function({"app.py": TMP_PROBE}, EphemeralStorage={"Size": 600})

    # WHEN the first writes 520 MB into /tmp, and the second reports its /tmp's size and inodes
    response, body = invoke_json(lambda_client, small, {"mb": 520})
    probed = _probe(lambda_client, larger, marker="none")

    # THEN the write fails as on Lambda, at the size limit, and the sizes (and inodes) are the functions'
    assert response.get("FunctionError") == "Unhandled", body
    assert body["errorType"] == "OSError"
    assert body["errorMessage"] == "[Errno 28] No space left on device"
    assert probed["size"] == 600 * 1024 * 1024
    assert (
        probed["inodes"] == 600 * 256
    )  # one per 4 KiB: millions of empty files cannot take the machine's RAM


IMPORTER = """
import importlib.util, os, ssl, sys
import shared
def handler(event, context):
    compiled = importlib.util.cache_from_source(__file__)
    ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])  # the cloud's CA bundle, in its state dir
    return {"shared": shared.VALUE, "tmp": sorted(os.listdir("/tmp")), "compiled": compiled,
            "compiled_exists": os.path.exists(compiled), "prefix": sys.pycache_prefix,
            "compiled_inode": os.stat(compiled).st_ino}
"""


def test_code_layers_and_bytecode_cache_stay_reachable_under_a_private_tmp(
    private_tmp_available: None, cloud: LocalCloud, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function importing a module from its layer, in a cloud whose state directory may be under /tmp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/shared.py", "VALUE = 41\n")
    layer = lambda_client.publish_layer_version(LayerName="tmp-layer", Content={"ZipFile": buffer.getvalue()})
    name = make_function({"app.py": IMPORTER}, Layers=[layer["LayerVersionArn"]])

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name, {})

    # THEN it imported its code and layer, read the CA bundle it is told to trust, and its compiled module went
    # to the host's bytecode cache
    assert "FunctionError" not in response, body
    assert body["shared"] == 41
    assert body["compiled_exists"] and body["prefix"]
    # (at /var/task, the code's compiled modules are its own directory's, mounted in the prefix: bytecode.py)
    on_host = [
        body["compiled"],
        *(cloud.context.state_dir / "lambda" / "pycache-by-code").glob("*/app.*.pyc"),
    ]
    assert body["compiled_inode"] in {os.stat(path).st_ino for path in on_host if os.path.exists(path)}, (
        "the compiled module is in the environment's tmpfs, not the host's"
    )
    # AND its /tmp holds nothing but the paths to the cloud's state directory and the machine's cache (where
    # they lie under /tmp: docs/local-cloud-lambda.md)
    kept = [str(cloud.context.state_dir) + os.sep, str(shared_cache_root()) + os.sep]
    for entry in body["tmp"]:
        assert any(path.startswith(os.path.join("/tmp", entry) + os.sep) for path in kept), body["tmp"]


NODE_PROBE = """
const fs = require('fs');
exports.handler = async (event) => {
  const file = '/tmp/' + event.marker;
  if (event.write) fs.writeFileSync(file, event.write);
  const stats = fs.statfsSync('/tmp');
  return {found: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null, size: stats.blocks * stats.bsize};
};
"""

PROVIDED_BOOTSTRAP = """#!/usr/bin/env python3
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(api + "next") as reply:
        request_id, event = reply.headers["Lambda-Runtime-Aws-Request-Id"], json.loads(reply.read())
    path = "/tmp/" + event["marker"]
    if event.get("write"):
        open(path, "w").write(event["write"])
    stats = os.statvfs("/tmp")
    answer = {"found": open(path).read() if os.path.exists(path) else None, "size": stats.f_blocks * stats.f_frsize}
    urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", json.dumps(answer).encode()))
"""


@pytest.mark.parametrize("runtime", ["nodejs20.x", "provided.al2023"])
def test_node_and_provided_runtimes_get_their_own_tmp(
    private_tmp_available: None, lambda_client: Any, role_arn: str, runtime: str
) -> None:
    # GIVEN a function of `runtime` that wrote a file into /tmp, and a second function of the same code
    if runtime.startswith("nodejs"):
        files, modes, handler = {"index.js": NODE_PROBE}, None, "index.handler"
    else:
        files, modes, handler = {"bootstrap": PROVIDED_BOOTSTRAP}, {"bootstrap": 0o755}, "unused"
    names = [f"tmp-{runtime.split('.')[0]}-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    for name in names:
        lambda_client.create_function(
            FunctionName=name,
            Runtime=runtime,
            Role=role_arn,
            Handler=handler,
            Code={"ZipFile": zip_code(files, modes)},
            EphemeralStorage={"Size": 700},
        )
    marker = f"fogbank-tmp-{uuid.uuid4().hex}"
    first = _probe(lambda_client, names[0], marker=marker, write="hi")

    # WHEN the same environment is invoked again, and the other function is invoked
    warm = _probe(lambda_client, names[0], marker=marker)
    other = _probe(lambda_client, names[1], marker=marker)

    # THEN the file stays in its environment only, /tmp has the function's size, the host's /tmp has nothing
    assert first["found"] == warm["found"] == "hi"
    assert other["found"] is None
    assert first["size"] == 700 * 1024 * 1024
    assert not os.path.exists(os.path.join("/tmp", marker))


# run by the environment itself (argv, not a handler): writes into /tmp, reads its task root, reports both
TMP_START_PROBE = """
import os, sys
open(os.path.join("/tmp", sys.argv[1]), "w").close()
stats = os.statvfs("/tmp")
print(stats.f_blocks * stats.f_frsize, open("code.txt").read(), flush=True)
"""


@pytest.fixture
def zygote(namespaced_zygote: Zygote) -> Zygote:
    return namespaced_zygote


@pytest.mark.parametrize("path", ["spare", "forked on request"])
def test_both_ways_an_environment_starts_give_it_its_own_tmp(
    zygote: Zygote, tmp_path: Path, path: str
) -> None:
    # GIVEN a task root (under the host's /tmp when pytest's temporary directory is) and layers
    task_root, layers = tmp_path / "lambda" / "code" / "abc", tmp_path / "lambda" / "opt" / "def"
    task_root.mkdir(parents=True)
    layers.mkdir(parents=True)
    (task_root / "code.txt").write_text("code")
    marker = f"fogbank-tmp-{uuid.uuid4().hex}"
    launch = Launch(
        [sys.executable, "-S", "-c", TMP_START_PROBE, marker], task_root, {}, opt_source=layers, tmp_mb=640
    )

    # WHEN an environment starts from a spare, or (none taken) is forked by the zygote, with a 640 MB /tmp
    deadline = time.monotonic() + 10
    spare = None
    while path == "spare" and (spare := zygote.take_spare()) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert path != "spare" or spare is not None, "the zygote kept no spare ready within 10 s"
    env = {
        "PATH": os.environ["PATH"],
        "AWS_LAMBDA_RUNTIME_API": spare.api.address if spare else "127.0.0.1:9",
    }
    process = zygote.fork(launch, env, spare=spare)
    if spare is not None:
        spare.api.close()  # the probe never calls it
    assert process.stdout is not None
    line = process.stdout.readline().decode().split()

    # THEN its /tmp had that size and it still read its code; the host's /tmp did not get its file
    assert line[:2] == [str(640 * 1024 * 1024), "code"], line
    assert not os.path.exists(os.path.join("/tmp", marker))


EMPTY_TMP = """
import os, shutil
import helper
def handler(event, context):
    found = sorted(os.listdir("/tmp"))
    for entry in os.listdir("/tmp"):  # the common "clean my /tmp" loop, without ignore_errors
        path = os.path.join("/tmp", entry)
        shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
    os.makedirs("/tmp/work/sub")
    return {"found": found, "after": sorted(os.listdir("/tmp")), "helper": helper.VALUE}
"""


def test_a_function_sees_an_empty_tmp_in_a_default_cloud_and_may_empty_it(
    private_tmp_available: None, cloud: LocalCloud, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a cloud started without a state directory (its default is in the machine's cache, not /tmp), and
    # a function that lists /tmp and then deletes everything in it
    if any(
        p.is_relative_to("/tmp") for p in (cloud.context.state_dir.resolve(), shared_cache_root().resolve())
    ):
        pytest.skip(
            "FOGBANK_CACHE_DIR is under /tmp here: its folders show in a function's /tmp (documented)"
        )
    name = make_function({"app.py": EMPTY_TMP, "helper.py": "VALUE = 7\n"})

    # WHEN it is invoked three times (warm, then a cold start after an update)
    first = _probe(lambda_client, name)
    warm = _probe(lambda_client, name)
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"V": "2"}})
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)
    cold = _probe(lambda_client, name)

    # THEN /tmp was empty at each cold start, as on Lambda, and emptying it never failed nor broke the next start
    assert first["found"] == [] and cold["found"] == [], (first, cold)
    assert warm["found"] == ["work"]
    assert first["after"] == warm["after"] == cold["after"] == ["work"]
    assert cold["helper"] == 7
    assert not cloud.context.state_dir.resolve().is_relative_to("/tmp")
