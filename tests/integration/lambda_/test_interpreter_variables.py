"""A Python function's own PYTHON* variables act as on AWS, where the runtime's interpreter starts with them
(interpreter_variables.py): such a function's environment is a new interpreter, not a fork of the zygote; one
without them is still forked. Whether it was forked shows in `sys.orig_argv` (the command line the interpreter
started with): the zygote's for a forked environment, `-m fogbank_worker_boot` for an exec'd one."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import invoke_json, zip_code

RUNTIME = (
    f"python3.{sys.version_info.minor}"  # this interpreter's minor: its hash function is the one compared
)

FLAGS_APP = """
import asyncio, os, sys, warnings

seen = []

def hook(*args, **kwargs):
    seen.append("hook")

def handler(event, context):
    if event.get("warn"):
        warnings.warn("old API", DeprecationWarning)
        return "not raised"
    if event.get("breakpoint"):
        breakpoint()
    loop = asyncio.new_event_loop()
    try:
        asyncio_debug = loop.get_debug()
    finally:
        loop.close()
    return {
        "exec": "fogbank_worker_boot" in sys.orig_argv,
        "hash": hash("a"),
        "utf8_mode": sys.flags.utf8_mode,
        "optimize": sys.flags.optimize,
        "dev_mode": sys.flags.dev_mode,
        "stdout_encoding": sys.stdout.encoding,
        "asyncio_debug": asyncio_debug,
        "seen": seen,
        "pythonpath_is_runtime_dir": os.environ.get("PYTHONPATH") == os.environ["LAMBDA_RUNTIME_DIR"],
    }
"""


@pytest.fixture(scope="module")
def zygote(cloud: LocalCloud) -> None:
    if cloud.context.lambda_._zygote is None:
        pytest.skip("no zygote on this machine: every Python environment is a new interpreter")


@pytest.fixture
def function(lambda_client: Any, role_arn: str, zygote: None) -> Callable[..., str]:
    def make(variables: dict[str, str], files: dict[str, str] | None = None) -> str:
        name = f"pyvars-{uuid.uuid4().hex[:10]}"
        lambda_client.create_function(
            FunctionName=name,
            Runtime=RUNTIME,
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": zip_code(files or {"app.py": FLAGS_APP})},
            Environment={"Variables": variables},
        )
        return name

    return make


def _hash_of_a(seed: str) -> int:
    """hash("a") in a new interpreter of this version with PYTHONHASHSEED=`seed`."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", 'print(hash("a"))'], env=env, capture_output=True, text=True)
    return int(out.stdout)


def test_a_function_without_interpreter_variables_is_still_forked(
    lambda_client: Any, function: Callable[..., str]
) -> None:
    # GIVEN a Python function with variables of its own, none read by the interpreter at start, and one that sets
    # only variables CPython reads when they are used (PYTHONBREAKPOINT, PYTHONASYNCIODEBUG)
    plain = function({"TABLE": "orders"})
    when_used = function({"PYTHONBREAKPOINT": "app.hook", "PYTHONASYNCIODEBUG": "1"})

    # WHEN each starts cold
    response, body = invoke_json(lambda_client, plain)
    used_response, used_body = invoke_json(lambda_client, when_used, {"breakpoint": True})

    # THEN both are forked from the zygote (the fast path is unchanged), and the second's variables act there
    assert "FunctionError" not in response and "FunctionError" not in used_response, (body, used_body)
    assert body["exec"] is False and body["asyncio_debug"] is False
    assert body["pythonpath_is_runtime_dir"] is True  # PYTHONPATH as Lambda's bootstrap leaves it
    assert used_body["exec"] is False
    assert used_body["seen"] == ["hook"] and used_body["asyncio_debug"] is True


def test_pythonwarnings_error_turns_a_deprecation_warning_into_an_error(
    lambda_client: Any, function: Callable[..., str]
) -> None:
    # GIVEN a Python function with PYTHONWARNINGS=error whose handler calls a deprecated API
    name = function({"PYTHONWARNINGS": "error"})

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name, {"warn": True})

    # THEN the warning is raised as an error, as on AWS (its interpreter started with the variable)
    assert response.get("FunctionError") == "Unhandled", body
    assert body["errorType"] == "DeprecationWarning" and body["errorMessage"] == "old API"


def test_pythonhashseed_gives_the_same_string_hash_in_every_cold_start(
    lambda_client: Any, function: Callable[..., str]
) -> None:
    # GIVEN two Python functions (two cold starts) with PYTHONHASHSEED=0
    first, second = function({"PYTHONHASHSEED": "0"}), function({"PYTHONHASHSEED": "0"})

    # WHEN each hashes "a"
    bodies = [invoke_json(lambda_client, name)[1] for name in (first, second)]

    # THEN both get the hash an interpreter started with seed 0 gives, not the zygote's random seed's
    assert [body["hash"] for body in bodies] == [_hash_of_a("0")] * 2, bodies
    assert all(body["exec"] for body in bodies)


def test_utf8_mode_io_encoding_optimize_and_dev_mode_show_in_sys_flags_and_stdout(
    lambda_client: Any, function: Callable[..., str]
) -> None:
    # GIVEN a Python function that sets PYTHONUTF8, PYTHONIOENCODING, PYTHONOPTIMIZE and PYTHONDEVMODE
    name = function(
        {"PYTHONUTF8": "1", "PYTHONIOENCODING": "latin-1", "PYTHONOPTIMIZE": "1", "PYTHONDEVMODE": "1"}
    )

    # WHEN it reports its interpreter's flags and stdout's encoding
    response, body = invoke_json(lambda_client, name)

    # THEN they are the ones the variables set as the interpreter started, as on AWS
    assert "FunctionError" not in response, body
    assert body["utf8_mode"] == 1 and body["optimize"] == 1 and body["dev_mode"] is True
    assert codecs.lookup(body["stdout_encoding"]).name == "iso8859-1" and body["exec"] is True


PATH_APP = """
import importlib, os, subprocess, sys

def handler(event, context):
    found = {}
    for name in ("extra", "layered", "boto3"):
        try:
            found[name] = getattr(importlib.import_module(name), "__file__", None)
        except ImportError as exc:
            found[name] = type(exc).__name__
    child = subprocess.run(
        [sys.executable, "-c", "import extra, sys; print(extra.__file__)"], capture_output=True, text=True
    )
    return {
        "found": found,
        "path": sys.path[:3],
        "exec": "fogbank_worker_boot" in sys.orig_argv,
        "pythonpath": os.environ["PYTHONPATH"],
        "child": child.stdout.strip(),
    }
"""


def test_a_functions_own_pythonpath_is_searched_and_the_layers_are_not_as_on_aws(
    cloud: LocalCloud, lambda_client: Any, role_arn: str, zygote: None
) -> None:
    zygote_process = cloud.context.lambda_._zygote
    assert zygote_process is not None
    zygote_process.start()
    if zygote_process.var_task_error is not None:
        pytest.skip("code is at its host path on this machine: PYTHONPATH names /var/task/src")
    # GIVEN a Python function with PYTHONPATH=/var/task/src and a layer whose python/ holds a module: Lambda's
    # bootstrap adds the layers' directories only where PYTHONPATH is unset
    layer = lambda_client.publish_layer_version(
        LayerName="pyvars-layer", Content={"ZipFile": zip_code({"python/layered.py": "VALUE = 1"})}
    )["LayerVersionArn"]
    name = f"pyvars-{uuid.uuid4().hex[:10]}"
    lambda_client.create_function(
        FunctionName=name,
        Runtime=RUNTIME,
        Role=role_arn,
        Handler="app.handler",
        Code={"ZipFile": zip_code({"app.py": PATH_APP, "src/extra.py": "VALUE = 2"})},
        Layers=[layer],
        Environment={"Variables": {"PYTHONPATH": "/var/task/src"}},
    )

    # WHEN it imports a module of its PYTHONPATH, the layer's module and boto3
    response, body = invoke_json(lambda_client, name)

    # THEN the first and boto3 are found, the layer's is not (ModuleNotFoundError, as on AWS), the task root
    # comes first, and PYTHONPATH shows the function's value, as a Python subprocess finds it
    assert "FunctionError" not in response, body
    assert body["found"]["extra"] == "/var/task/src/extra.py"
    assert body["found"]["layered"] == "ModuleNotFoundError"
    assert str(body["found"]["boto3"]).endswith("boto3/__init__.py")
    assert body["path"][0] == "/var/task" and "/var/task/src" in body["path"] and body["exec"] is True
    assert body["pythonpath"] == "/var/task/src" and body["child"] == "/var/task/src/extra.py"


PREFIX_APP = """
import sys

def handler(event, context):
    return {"prefix": sys.pycache_prefix, "xoptions": sorted(sys._xoptions), "exec": "fogbank_worker_boot" in sys.orig_argv}
"""


def test_a_functions_own_pythonpycacheprefix_is_its_bytecode_prefix_as_on_aws(
    lambda_client: Any, function: Callable[..., str]
) -> None:
    # GIVEN a Python function that sets PYTHONPYCACHEPREFIX (AWS reserves no PYTHON* key)
    name = function({"PYTHONPYCACHEPREFIX": "/tmp/own-pycache"}, {"app.py": PREFIX_APP})

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN its interpreter started with it: its compiled modules go there, as on AWS (no -X option overrides it)
    assert "FunctionError" not in response, body
    assert body == {"prefix": "/tmp/own-pycache", "xoptions": [], "exec": True}
