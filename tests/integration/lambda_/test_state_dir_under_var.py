"""A cloud whose state directory and machine cache are under /var (Jenkins' HOME=/var/lib/jenkins puts both
there by default; here a unique folder under /var/tmp, always removed): /var is overlaid in each environment's
namespace, yet what the environment writes there (compiled modules of its code, layers, standard library and
runtime) reaches the host's folders, so the next cold start does not compile them again, and the environment
still sees /var/lang and its code at /var/task."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import HANDLER_POLICY, ROLE_POLICY, invoke_json, zip_code

HANDLER = """
import os, sys, helper
def write(path):
    try:
        with open(path, "w") as file:
            file.write("x")
        return "written"
    except OSError as exc:
        return exc.strerror
def handler(event, context):
    return {"task_root": os.environ["LAMBDA_TASK_ROOT"], "file": helper.__file__, "executable": sys.executable,
            "var_lang": sorted(os.listdir("/var/lang/bin")), "prefix": sys.pycache_prefix,
            "writes": {path: write(path) for path in event.get("write", [])},
            "prefix_write": write(os.path.join(sys.pycache_prefix, "x"))}
"""


@pytest.fixture(scope="module")
def under_var() -> Iterator[Path]:
    if not os.access("/var/tmp", os.W_OK):
        pytest.skip("/var/tmp is not writable here")
    root = Path(tempfile.mkdtemp(prefix="fogbank-state-under-var-", dir="/var/tmp"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def cloud(under_var: Path) -> Iterator[LocalCloud]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOGBANK_CACHE_DIR", str(under_var / "cache"))
        with LocalCloud(state_dir=under_var / "state") as running:
            zygote = running.context.lambda_._zygote
            if zygote is None:
                pytest.skip("the zygote is disabled (FOGBANK_LAMBDA_ZYGOTE=0): /var is not overlaid then")
            zygote.start()
            if zygote.var_task_error is not None:
                pytest.skip(f"this machine cannot show code at /var/task: {zygote.var_task_error}")
            yield running


def _function(cloud: LocalCloud) -> str:
    iam, lam = cloud.client("iam"), cloud.client("lambda")
    if not iam.list_roles()["Roles"]:
        iam.create_role(RoleName="var-role", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
        iam.put_role_policy(RoleName="var-role", PolicyName="p", PolicyDocument=json.dumps(HANDLER_POLICY))
    name = f"fn-{uuid.uuid4().hex[:10]}"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=iam.get_role(RoleName="var-role")["Role"]["Arn"],
        Handler="app.handler",
        Code={"ZipFile": zip_code({"app.py": HANDLER, "helper.py": "VALUE = 1\n"})},
        Timeout=30,
    )
    return name


def _compiled(root: Path, name: str) -> dict[Path, tuple[int, int]]:
    """{file: (inode, mtime_ns)} of every compiled `name` module under `root`."""
    return {
        path: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in root.rglob(f"{name}.cpython-*.pyc")
        if path.is_file()
    }


def test_compiled_modules_reach_the_hosts_state_and_cache_under_var_and_are_reused(
    cloud: LocalCloud, under_var: Path
) -> None:
    # GIVEN a cloud whose state directory and $FOGBANK_CACHE_DIR are under /var/tmp, and a function
    state, cache = under_var / "state", under_var / "cache"
    lam = cloud.client("lambda")
    name = _function(cloud)

    # WHEN it is invoked, then cold-started again after a configuration update
    response, first = invoke_json(lam, name)
    assert "FunctionError" not in response, first
    by_code = _compiled(state / "lambda" / "pycache-by-code", "helper")
    runtime = _compiled(cache / "lambda-bytecode" / "runtime", "bootstrap")
    preloaded = _compiled(under_var, "lambda_runtime_client")  # by a spare, before it knew its function
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"AGAIN": "1"}})
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    response, second = invoke_json(lam, name)
    assert "FunctionError" not in response, second

    # THEN the environment saw /var/lang and its code at /var/task, as before
    for body in (first, second):
        assert body["task_root"] == "/var/task" and body["file"] == "/var/task/helper.py"
        assert body["executable"].startswith("/var/lang/bin/python3.") and "python" in body["var_lang"]
    # AND the code's compiled module is on the host under the state directory, the runtime's under the machine
    # cache (not lost in the environment's private /var), and the second cold start used them as they were
    assert len(by_code) == 1, sorted(map(str, (state / "lambda").rglob("*.pyc")))
    assert runtime, sorted(map(str, cache.rglob("*.pyc")))[:20]
    assert _compiled(state / "lambda" / "pycache-by-code", "helper") == by_code
    assert _compiled(cache / "lambda-bytecode" / "runtime", "bootstrap") == runtime
    assert preloaded and _compiled(under_var, "lambda_runtime_client") == preloaded


def test_under_var_only_the_bytecode_prefix_takes_a_functions_writes(
    cloud: LocalCloud, under_var: Path
) -> None:
    # GIVEN the same cloud, and a function that writes into what it keeps of the state directory (the runtime
    # directory, the zygote's compiled modules), its own bytecode prefix, and new files elsewhere under /var/tmp
    state = under_var / "state"
    name = _function(cloud)
    kept = [str(state / "runtime" / "python" / "x"), str(state / "lambda" / "pycache" / "x")]
    elsewhere = [state / "lambda" / f"{name}.txt", under_var / f"{name}.txt"]

    # WHEN it is invoked
    response, body = invoke_json(cloud.client("lambda"), name, {"write": [*kept, *map(str, elsewhere)]})

    # THEN what it keeps refused the writes (read-only, as where the state directory is under /tmp), and so did
    # the rest of /var (as on Lambda: only /tmp is writable); its own bytecode prefix took one, and the host's
    # folders got nothing
    assert "FunctionError" not in response, body
    assert [body["writes"][path] for path in kept] == ["Read-only file system"] * 2, body["writes"]
    assert [body["writes"][str(path)] for path in elsewhere] == ["Read-only file system"] * 2, body["writes"]
    assert body["prefix_write"] == "written"
    assert not any(path.exists() for path in elsewhere)
