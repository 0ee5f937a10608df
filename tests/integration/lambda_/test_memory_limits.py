"""MemorySize is enforced as on Lambda: an environment that needs more is killed (memory cgroups, memory_limit.py).

Skipped where the probe finds no writable memory cgroup (the reason is the probe's).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from fogbank.cloud.lambda_.memory_limit import probe
from lambda_support import invoke_json

_PROBE = probe()
pytestmark = pytest.mark.skipif(
    _PROBE.parent_dir is None, reason=f"memory limits are not enforced here: {_PROBE.reason}"
)

# Touches every page, so that the memory is really resident; returns the process id.
ALLOCATE = """\
import os
def handler(event, context):
    block = bytearray(event.get("mb", 0) << 20)
    block[::4096] = b"x" * len(block[::4096])
    return os.getpid()
"""


def _tail(response: dict[str, Any]) -> str:
    return base64.b64decode(response["LogResult"]).decode()


def test_python_function_over_its_memory_size_is_killed_like_aws(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a 128 MB function (CDK's default) that allocates what it is told
    name = make_function({"app.py": ALLOCATE}, MemorySize=128, Timeout=30)
    _, first_pid = invoke_json(lambda_client, name, {"mb": 1})

    # WHEN it allocates 300 MB
    response, body = invoke_json(lambda_client, name, {"mb": 300}, LogType="Tail")

    # THEN the invocation fails as on AWS: Runtime.OutOfMemory, the runtime killed, Max Memory Used = Memory Size
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["FunctionError"] == "Unhandled"
    assert body == {
        "errorType": "Runtime.OutOfMemory",
        "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: signal: killed",
    }
    logs = _tail(response)
    assert (
        f"RequestId: {request_id} Error: Runtime exited with error: signal: killed\nRuntime.OutOfMemory"
        in logs
    )
    assert "Memory Size: 128 MB\tMax Memory Used: 128 MB" in logs
    # AND the next invocation succeeds on a fresh environment
    after, next_pid = invoke_json(lambda_client, name, {"mb": 1})
    assert "FunctionError" not in after
    assert next_pid != first_pid


def test_python_function_within_its_memory_size_succeeds(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a 128 MB function
    name = make_function({"app.py": ALLOCATE}, MemorySize=128, Timeout=30)

    # WHEN it allocates 60 MB, twice on the same environment
    first, pid = invoke_json(lambda_client, name, {"mb": 60})
    second, same_pid = invoke_json(lambda_client, name, {"mb": 60})

    # THEN both succeed
    assert "FunctionError" not in first and "FunctionError" not in second
    assert same_pid == pid


def test_tmp_does_not_count_towards_memory(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a 128 MB function with 512 MB of /tmp (on AWS /tmp is disk, not memory)
    source = """\
    import os
    def handler(event, context):
        chunk = b"x" * (1 << 20)
        with open("/tmp/big", "wb") as out:
            for _ in range(event["mb"]):
                out.write(chunk)
        return os.path.getsize("/tmp/big") >> 20
    """
    name = make_function({"app.py": source}, MemorySize=128, Timeout=30, EphemeralStorage={"Size": 512})

    # WHEN it writes 200 MB to /tmp
    response, written = invoke_json(lambda_client, name, {"mb": 200})

    # THEN it succeeds, as on AWS
    assert "FunctionError" not in response, written
    assert written == 200


def test_subprocess_memory_counts(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a 128 MB function whose work runs in a child process
    source = """\
    import subprocess, sys
    def handler(event, context):
        code = f"b = bytearray({event['mb']} << 20); b[::4096] = b'x' * len(b[::4096])"
        return subprocess.run([sys.executable, "-c", code]).returncode
    """
    name = make_function({"app.py": source}, MemorySize=128, Timeout=30)

    # WHEN the child allocates 300 MB
    response, body = invoke_json(lambda_client, name, {"mb": 300})

    # THEN the environment is killed for its memory, child included
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.OutOfMemory"


def test_nodejs_function_over_its_memory_size_is_killed(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a 128 MB Node.js function that fills a 300 MB buffer
    source = (
        "exports.handler = async () => { const b = Buffer.alloc(300 * 1024 * 1024, 1); return b.length; };\n"
    )
    name = make_function({"index.js": source}, handler="index.handler", Runtime="nodejs20.x", MemorySize=128)

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN it is killed as on AWS
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.OutOfMemory"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: signal: killed")


def test_memory_size_update_applies_to_new_environments(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a 128 MB function that ran out of memory
    name = make_function({"app.py": ALLOCATE}, MemorySize=128, Timeout=30)
    _, body = invoke_json(lambda_client, name, {"mb": 300})
    assert body["errorType"] == "Runtime.OutOfMemory"

    # WHEN its MemorySize is raised to 512 MB
    lambda_client.update_function_configuration(FunctionName=name, MemorySize=512)
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)

    # THEN the same allocation succeeds
    response, _ = invoke_json(lambda_client, name, {"mb": 300})
    assert "FunctionError" not in response


def test_json_log_format_names_out_of_memory(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a 128 MB function that logs in JSON
    name = make_function(
        {"app.py": ALLOCATE}, MemorySize=128, Timeout=30, LoggingConfig={"LogFormat": "JSON"}
    )

    # WHEN it allocates 300 MB
    response, body = invoke_json(lambda_client, name, {"mb": 300}, LogType="Tail")

    # THEN the platform records say why the runtime ended, with Max Memory Used = Memory Size
    assert body["errorType"] == "Runtime.OutOfMemory"
    records = [json.loads(line) for line in _tail(response).splitlines() if line.startswith("{")]
    done = next(r["record"] for r in records if r["type"] == "platform.runtimeDone")
    report = next(r["record"] for r in records if r["type"] == "platform.report")
    assert done["errorType"] == report["errorType"] == "Runtime.OutOfMemory"
    assert report["metrics"]["maxMemoryUsedMB"] == report["metrics"]["memorySizeMB"] == 128


# Writes `tmp_mb` to /tmp and deletes it, then allocates `mb` (every page touched).
TMP_THEN_ALLOCATE = """\
import os, time
def handler(event, context):
    with open("/tmp/fill", "wb") as out:
        for _ in range(event["tmp_mb"]):
            out.write(b"x" * (1 << 20))
    time.sleep(0.5)
    os.remove("/tmp/fill")
    block = bytearray(event["mb"] << 20)
    block[::4096] = b"x" * len(block[::4096])
    return os.getpid()
"""


def test_python_function_over_its_memory_size_after_freeing_tmp_is_killed(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a 128 MB function that fills /tmp with 400 MB (allowed: /tmp is disk on AWS) and deletes it
    name = make_function({"app.py": TMP_THEN_ALLOCATE}, MemorySize=128, Timeout=30)

    # WHEN it then allocates 250 MB
    response, body = invoke_json(lambda_client, name, {"tmp_mb": 400, "mb": 250})

    # THEN it is killed for its memory as on AWS (the threshold that /tmp raised comes back down when it is freed)
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.OutOfMemory"
