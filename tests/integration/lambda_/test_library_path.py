"""Native libraries a layer ships in lib/ (/opt/lib) or the code ships in lib/ (/var/task/lib) are found by name,
as on AWS, where every runtime's environment has LD_LIBRARY_PATH set: by ctypes, by a Python extension module
linked against them (no rpath), by an executable a Python or Node.js function starts. The libraries, the
extension and the executable are built here with gcc."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.library_path import (
    LAMBDA_LIBRARY_PATH,
    loader_subdirectories,
    system_library_dirs,
)
from lambda_support import invoke_json
from native_support import PYTHON_APP, build_native, zip_files

NODE_APP = """
const { execFileSync } = require("child_process");
exports.handler = async () => ({
  ld_library_path: process.env.LD_LIBRARY_PATH,
  tool: execFileSync("/opt/bin/tool").toString().trim(),
});
"""


PROVIDED_BOOTSTRAP = """#!/usr/bin/env python3
import ctypes, json, os, subprocess, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
with urllib.request.urlopen(api + "next") as reply:
    request_id = reply.headers["Lambda-Runtime-Aws-Request-Id"]
answer = {"library": ctypes.CDLL("libfrom_code.so").from_code(),
          "tool": subprocess.run(["/opt/bin/tool"], capture_output=True, text=True).stdout.strip()}
urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", json.dumps(answer).encode()))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = build_native(tmp_path_factory.mktemp("native"))
    if out is None:
        pytest.skip("gcc is not installed: these tests build the shared libraries they load")
    return out


@pytest.fixture(scope="module")
def layer_arn(lambda_client: Any, built: Path) -> str:
    content = zip_files(
        {
            "lib/libfrom_layer.so": (built / "libfrom_layer.so").read_bytes(),
            "bin/tool": (built / "tool").read_bytes(),
        }
    )
    arn: str = lambda_client.publish_layer_version(LayerName="native-libs", Content={"ZipFile": content})[
        "LayerVersionArn"
    ]
    return arn


@pytest.fixture(scope="module")
def mounted(cloud: LocalCloud) -> bool:
    """Whether environments show code at /var/task and layers at /opt (else at their host paths)."""
    zygote = cloud.context.lambda_._zygote
    if zygote is None:
        return False
    zygote.start()
    return zygote.var_task_error is None


def _function(
    lambda_client: Any, role_arn: str, layer_arn: str, files: dict[str, bytes | str], **kwargs: Any
) -> str:
    name = f"native-{uuid.uuid4().hex[:10]}"
    lambda_client.create_function(
        FunctionName=name,
        Runtime=kwargs.pop("Runtime", "python3.11"),
        Role=role_arn,
        Handler=kwargs.pop("Handler", "app.handler"),
        Code={"ZipFile": zip_files(files)},
        Layers=[layer_arn],
        **kwargs,
    )
    return name


@pytest.fixture(scope="module")
def python_function(lambda_client: Any, role_arn: str, layer_arn: str, built: Path) -> str:
    files: dict[str, bytes | str] = {
        "app.py": PYTHON_APP,
        "lib/libfrom_code.so": (built / "libfrom_code.so").read_bytes(),
        "linked.so": (built / "linked.so").read_bytes(),
    }
    return _function(lambda_client, role_arn, layer_arn, files)


def test_ctypes_finds_libraries_of_the_layer_and_the_code_by_name(
    lambda_client: Any, python_function: str
) -> None:
    # GIVEN a Python function whose layer ships lib/libfrom_layer.so and whose code ships lib/libfrom_code.so

    # WHEN it loads both by name with ctypes, in a new environment
    response, body = invoke_json(
        lambda_client, python_function, {"load": ["libfrom_layer.so", "libfrom_code.so"]}
    )

    # THEN the loader finds them in /opt/lib and /var/task/lib, as on AWS
    assert "FunctionError" not in response, body
    assert body["libfrom_layer.so"] == 7
    assert body["libfrom_code.so"] == 8


def test_an_extension_module_and_a_subprocess_linked_against_a_layer_library_load(
    lambda_client: Any, python_function: str
) -> None:
    # GIVEN the same function: its code ships an extension module linked with -lfrom_layer (no rpath), its
    # layer an executable /opt/bin/tool linked the same way

    # WHEN it imports the extension and runs the tool
    response, body = invoke_json(
        lambda_client, python_function, {"load": [], "extension": True, "tool": "tool"}
    )

    # THEN both find libfrom_layer.so by LD_LIBRARY_PATH (the tool is found on PATH's /opt/bin)
    assert "FunctionError" not in response, body
    assert body["extension"] == 7
    assert body["tool"] == "7"


def test_the_environment_shows_lambdas_library_path(
    lambda_client: Any, python_function: str, mounted: bool
) -> None:
    if not mounted:
        pytest.skip("code and layers are at host paths on this machine: LD_LIBRARY_PATH names those")
    # GIVEN a Python function in an environment that shows its code at /var/task

    # WHEN it reads LD_LIBRARY_PATH
    _, body = invoke_json(lambda_client, python_function, {"load": []})

    # THEN it is AWS's value, with this machine's system library directories (if elsewhere) after /usr/lib64
    extra = "".join(f":{path}" for path in system_library_dirs())
    assert body["ld_library_path"].replace(extra, "", 1) == LAMBDA_LIBRARY_PATH
    assert body["ld_library_path"].startswith("/var/lang/lib:/lib64:/usr/lib64")


def test_a_nodejs_functions_child_process_finds_a_layer_library(
    lambda_client: Any, role_arn: str, layer_arn: str, mounted: bool
) -> None:
    if not mounted:
        pytest.skip("layers are at a host path on this machine: the handler runs /opt/bin/tool")
    # GIVEN a Node.js function that runs the layer's /opt/bin/tool, linked against the layer's library
    name = _function(
        lambda_client,
        role_arn,
        layer_arn,
        {"index.js": NODE_APP},
        Runtime="nodejs20.x",
        Handler="index.handler",
    )

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN the child process inherits LD_LIBRARY_PATH and its loader finds the library in /opt/lib
    assert "FunctionError" not in response, body
    assert body["ld_library_path"].endswith(":/var/task:/var/task/lib:/opt/lib")
    assert body["tool"] == "7"


def test_a_functions_own_library_path_replaces_lambdas(
    lambda_client: Any, role_arn: str, layer_arn: str, built: Path, mounted: bool
) -> None:
    if not mounted:
        pytest.skip("code is at a host path on this machine: /var/task/mylibs does not exist there")
    # GIVEN a function that sets LD_LIBRARY_PATH itself (not a reserved key) to a directory of its code
    files: dict[str, bytes | str] = {
        "app.py": PYTHON_APP,
        "mylibs/libfrom_code.so": (built / "libfrom_code.so").read_bytes(),
    }
    name = f"native-{uuid.uuid4().hex[:10]}"
    lambda_client.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role_arn,
        Handler="app.handler",
        Code={"ZipFile": zip_files(files)},
        Layers=[layer_arn],
        Environment={"Variables": {"LD_LIBRARY_PATH": "/var/task/mylibs"}},
    )
    function = lambda_client.get_function(FunctionName=name)  # the configuration keeps the value
    assert function["Configuration"]["Environment"]["Variables"]["LD_LIBRARY_PATH"] == "/var/task/mylibs"

    # WHEN it loads a library of that directory and one of the layer's /opt/lib by name
    response, body = invoke_json(lambda_client, name, {"load": ["libfrom_code.so", "libfrom_layer.so"]})

    # THEN its value is what the environment and the loader use, in place of Lambda's
    assert "FunctionError" not in response, body
    assert body["ld_library_path"] == "/var/task/mylibs"
    assert body["libfrom_code.so"] == 8
    assert "cannot open shared object file" in body["libfrom_layer.so"]


def test_a_provided_bootstrap_and_the_tool_it_runs_find_the_libraries(
    lambda_client: Any, role_arn: str, layer_arn: str, built: Path, mounted: bool
) -> None:
    if not mounted:
        pytest.skip("layers are at a host path on this machine: the bootstrap runs /opt/bin/tool")
    # GIVEN a `provided` function whose bootstrap loads the code's library by name and runs the layer's tool
    files: dict[str, bytes | str] = {
        "bootstrap": PROVIDED_BOOTSTRAP,
        "lib/libfrom_code.so": (built / "libfrom_code.so").read_bytes(),
    }
    name = _function(lambda_client, role_arn, layer_arn, files, Runtime="provided.al2023", Handler="unused")

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN the bootstrap (exec'd with Lambda's LD_LIBRARY_PATH) and its child both find their libraries
    assert "FunctionError" not in response, body
    assert body == {"library": 8, "tool": "7"}


def test_where_code_is_at_its_host_path_a_python_function_shipping_libraries_finds_them(
    cloud: LocalCloud, lambda_client: Any, role_arn: str, layer_arn: str, built: Path, mounted: bool
) -> None:
    if not mounted:
        pytest.skip("this machine cannot show code at /var/task; the simulation below needs that it can")
    # GIVEN a cloud whose zygote found it cannot show code at /var/task (simulated, as this machine can), so a
    # forked environment's slots cannot serve the code's host path
    zygote = cloud.context.lambda_._zygote
    assert zygote is not None
    zygote.var_task_error = "simulated: /var could not be overlaid"
    try:
        files: dict[str, bytes | str] = {
            "app.py": PYTHON_APP,
            "lib/libfrom_code.so": (built / "libfrom_code.so").read_bytes(),
        }
        name = _function(lambda_client, role_arn, layer_arn, files)

        # WHEN it loads the code's and the layer's library by name
        response, body = invoke_json(lambda_client, name, {"load": ["libfrom_code.so", "libfrom_layer.so"]})
    finally:
        zygote.var_task_error = None

    # THEN LD_LIBRARY_PATH names the host task root, and the environment (exec'd by the zygote) finds both
    assert "FunctionError" not in response, body
    assert body["ld_library_path"].endswith("/lib:/opt/lib") and "/var/task" not in body["ld_library_path"]
    assert body["libfrom_code.so"] == 8 and body["libfrom_layer.so"] == 7


PRELOAD_APP = """
import ctypes

def handler(event, context):
    try:
        return ctypes.CDLL(None).from_layer()  # the process's global scope: its preloaded libraries
    except AttributeError as exc:
        return str(exc)
"""


def test_a_functions_ld_preload_acts_on_its_python_process(
    lambda_client: Any, role_arn: str, layer_arn: str, mounted: bool
) -> None:
    if not mounted:
        pytest.skip("layers are at a host path on this machine: LD_PRELOAD names /opt/lib")
    # GIVEN a Python function that preloads its layer's library (as functions do with jemalloc from a layer)
    name = _function(
        lambda_client,
        role_arn,
        layer_arn,
        {"app.py": PRELOAD_APP},
        Environment={"Variables": {"LD_PRELOAD": "/opt/lib/libfrom_layer.so"}},
    )

    # WHEN it looks the library's symbol up in its process's global scope
    response, body = invoke_json(lambda_client, name)

    # THEN the loader preloaded it as the process started, as on AWS (the environment was exec'd, not forked)
    assert "FunctionError" not in response, body
    assert body == 7


def test_a_library_in_a_loader_subdirectory_of_opt_lib_is_found(
    lambda_client: Any, role_arn: str, built: Path, mounted: bool
) -> None:
    subdirectories = loader_subdirectories()
    if not mounted or not subdirectories:
        pytest.skip("needs layers at /opt and a loader that searches subdirectories (glibc-hwcaps, ...)")
    # GIVEN a layer that ships its library only in a subdirectory the loader searches, e.g.
    # lib/glibc-hwcaps/x86-64-v2/ (a build for newer CPUs)
    hwcaps = [entry for entry in subdirectories if entry.startswith("glibc-hwcaps/")]
    subdirectory = (hwcaps or list(subdirectories))[-1]
    content = zip_files({f"lib/{subdirectory}/libfrom_layer.so": (built / "libfrom_layer.so").read_bytes()})
    arn = lambda_client.publish_layer_version(LayerName="hwcaps", Content={"ZipFile": content})[
        "LayerVersionArn"
    ]
    name = _function(lambda_client, role_arn, arn, {"app.py": PYTHON_APP})

    # WHEN a forked Python environment loads it by name
    response, body = invoke_json(lambda_client, name, {"load": ["libfrom_layer.so"]})

    # THEN the loader found it there through the slot, as a new process's loader does
    assert "FunctionError" not in response, body
    assert body["libfrom_layer.so"] == 7, subdirectory
