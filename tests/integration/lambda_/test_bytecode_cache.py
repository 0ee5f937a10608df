"""Compiled modules of code and layers (read-only, as on Lambda) are kept per set of layers, also for scripts that
`/var/lang/bin/python` runs (the AWS CLI layer's `aws`), and shared by the clouds of one machine
(fogbank.cloud.lambda_.bytecode). Each cloud here is its own, on a shared cache in a temporary directory."""

from __future__ import annotations

import io
import json
import site
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import HANDLER_POLICY, ROLE_POLICY, invoke_json, zip_code

ZIP_TIME = (2024, 5, 6, 7, 8, 10)  # every entry dated alike, as reproducible builds (CDK assets) do

TOOL = """#!/var/lang/bin/python
import json, os, sys
import toolmod
print(json.dumps({"prefix": sys.prefix, "path": sys.path, "pycache_prefix": sys.pycache_prefix,
                  "cached": os.path.realpath(toolmod.__cached__), "value": toolmod.VALUE}))
"""

RUN_TOOL = """
import json, subprocess, sys
def handler(event, context):
    runs = [json.loads(subprocess.run(["/opt/tool/run"], capture_output=True, text=True, check=True).stdout)
            for _ in range(2)]
    return {"runs": runs, "own_prefix": sys.pycache_prefix}
"""

IMPORT_SAME_PATH = """
import samepath
def handler(event, context):
    return samepath.VALUE
"""


def _zip(files: dict[str, str], executable: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = (0o755 if name in executable else 0o644) << 16
            archive.writestr(info, text)
    return buffer.getvalue()


TOOL_LAYER = _zip(
    {"tool/run": TOOL, "tool/toolmod.py": "VALUE = 'from the layer'\n"}, executable=("tool/run",)
)


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("fogbank-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOGBANK_CACHE_DIR", str(root))
        yield root


def _start(shared_cache: Path) -> LocalCloud:
    cloud = LocalCloud()
    cloud.start()
    zygote = cloud.context.lambda_._zygote
    if zygote is None:
        cloud.stop()
        pytest.skip("the zygote is disabled (FOGBANK_LAMBDA_ZYGOTE=0): code and layers are writable then")
    zygote.start()
    if zygote.opt_error is not None:
        cloud.stop()
        pytest.skip(f"this machine has no user + mount namespaces: {zygote.opt_error}")
    return cloud


@pytest.fixture(scope="module")
def first_cloud(shared_cache: Path) -> Iterator[LocalCloud]:
    cloud = _start(shared_cache)
    try:
        yield cloud
    finally:
        cloud.stop()


def _function(cloud: LocalCloud, code: str | bytes, layers: list[bytes]) -> str:
    iam, lam = cloud.client("iam"), cloud.client("lambda")
    with_role = iam.list_roles()["Roles"]
    if not with_role:
        iam.create_role(RoleName="bytecode-role", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
        iam.put_role_policy(
            RoleName="bytecode-role", PolicyName="p", PolicyDocument=json.dumps(HANDLER_POLICY)
        )
    role = iam.get_role(RoleName="bytecode-role")["Role"]["Arn"]
    arns = [
        lam.publish_layer_version(LayerName=f"l-{uuid.uuid4().hex[:8]}", Content={"ZipFile": data})[
            "LayerVersionArn"
        ]
        for data in layers
    ]
    name = f"fn-{uuid.uuid4().hex[:10]}"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": code if isinstance(code, bytes) else zip_code({"app.py": code})},
        Layers=arns,
        Timeout=30,
    )
    return name


def _run_tool(cloud: LocalCloud) -> dict[str, Any]:
    name = _function(cloud, RUN_TOOL, [TOOL_LAYER])
    response, body = invoke_json(cloud.client("lambda"), name)
    assert "FunctionError" not in response, body
    return dict(body)


def test_the_same_module_path_in_two_layer_sets_runs_each_sets_own_code(first_cloud: LocalCloud) -> None:
    # GIVEN two layers with /opt/python/samepath.py of the same size and the same mtime, but other code
    one = _zip({"python/samepath.py": "VALUE = 'one'\n"})
    two = _zip({"python/samepath.py": "VALUE = 'two'\n"})
    first = _function(first_cloud, IMPORT_SAME_PATH, [one])
    second = _function(first_cloud, IMPORT_SAME_PATH, [two])

    # WHEN a function with each is invoked, one after the other
    _, first_value = invoke_json(first_cloud.client("lambda"), first)
    _, second_value = invoke_json(first_cloud.client("lambda"), second)

    # THEN each runs its own layer's code: the bytecode compiled for the first is never taken for the second
    assert (first_value, second_value) == ("one", "two")


def test_the_same_module_path_in_two_functions_code_runs_each_functions_own_code(
    first_cloud: LocalCloud,
) -> None:
    # GIVEN two functions with the same layer, each shipping /var/task/samepath.py of the same size and the same
    # mtime (as CDK's reproducible zips do), but other code: every function's code is at the same path
    layer = _zip({"python/shared.py": "VALUE = 'layer'\n"})
    first = _function(
        first_cloud, _zip({"app.py": IMPORT_SAME_PATH, "samepath.py": "VALUE = 'one'\n"}), [layer]
    )
    second = _function(
        first_cloud, _zip({"app.py": IMPORT_SAME_PATH, "samepath.py": "VALUE = 'two'\n"}), [layer]
    )

    # WHEN each is invoked, one after the other (cold starts: both compile or load samepath)
    _, first_value = invoke_json(first_cloud.client("lambda"), first)
    _, second_value = invoke_json(first_cloud.client("lambda"), second)

    # THEN each runs its own code: the bytecode compiled for the first is never taken for the second
    assert (first_value, second_value) == ("one", "two")


def test_a_var_lang_python_script_sees_lambdas_python_and_keeps_its_bytecode(first_cloud: LocalCloud) -> None:
    # GIVEN a layer with a `#!/var/lang/bin/python` script (as the AWS CLI layer's `aws`) importing its module
    # WHEN a function runs it twice
    body = _run_tool(first_cloud)
    first, second = body["runs"]

    # THEN the script's Python is /var/lang's own, without this machine's site-packages (Lambda's has none)
    assert first["value"] == "from the layer"
    assert first["prefix"] == "/var/lang"
    host_site = [*site.getsitepackages(), site.getusersitepackages()]
    assert not [p for p in first["path"] if p.startswith(tuple(host_site))], first["path"]
    # AND its compiled modules go where the function's own go (one prefix per set of layers), outside /opt
    assert first["pycache_prefix"] == body["own_prefix"]
    assert not first["cached"].startswith("/opt/")
    assert second["cached"] == first["cached"]


SUBPROCESS_PYTHON = """
import json, subprocess, sys
def handler(event, context):
    probe = "import json, sys; print(json.dumps({'prefix': sys.prefix, 'path': sys.path}))"
    child = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
    return {"executable": sys.executable, "child": child}
"""


def test_a_functions_sys_executable_is_lambdas_python(first_cloud: LocalCloud) -> None:
    # GIVEN a function that starts a Python subprocess from sys.executable (as multiprocessing or tools do)
    name = _function(first_cloud, SUBPROCESS_PYTHON, [])

    # WHEN it is invoked
    response, body = invoke_json(first_cloud.client("lambda"), name)

    # THEN sys.executable is Lambda's /var/lang/bin/python3.<minor>, and the child sees /var/lang's Python: no
    # fogbank virtualenv, no site-packages of this machine
    assert "FunctionError" not in response, body
    assert body["executable"] == f"/var/lang/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    assert body["child"]["prefix"] == "/var/lang"
    host_site = [*site.getsitepackages(), site.getusersitepackages(), sys.prefix]
    assert not [p for p in body["child"]["path"] if p.startswith(tuple(host_site))], body["child"]["path"]


def test_a_fresh_cloud_reuses_the_bytecode_an_earlier_cloud_compiled(
    first_cloud: LocalCloud, shared_cache: Path
) -> None:
    # GIVEN a layer script that ran in one cloud, its module compiled into the machine's shared cache
    earlier = _run_tool(first_cloud)["runs"][0]["cached"]
    compiled = Path(earlier)
    assert compiled.is_relative_to(shared_cache.resolve()), compiled
    compiled_at = compiled.stat().st_mtime_ns
    first_cloud.stop()  # one LocalCloud per process (moto's state); the last test of this module

    # WHEN a new cloud (its own state directory) runs the same layer's script
    second_cloud = _start(shared_cache)
    try:
        later = _run_tool(second_cloud)["runs"][0]
    finally:
        second_cloud.stop()

    # THEN it loaded that same compiled module, which was not written again
    assert later["cached"] == earlier
    assert compiled.stat().st_mtime_ns == compiled_at
    assert sys.implementation.cache_tag in compiled.name
