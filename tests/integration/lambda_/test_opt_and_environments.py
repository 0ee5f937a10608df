"""Layers at /opt (user + mount namespace per environment) and what each forked environment keeps to itself:
a fresh import of its handler module, its own environment variables, its own process group."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import invoke_json, zip_code


def _layer(lambda_client: Any) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/laymod.py", "WHERE = __file__\n")
        tool = zipfile.ZipInfo("bin/fogbank-tool")
        tool.external_attr = 0o755 << 16
        archive.writestr(tool, "#!/bin/sh\necho tool-ran\n")
        archive.writestr("nodejs/node_modules/laypkg/index.js", "module.exports = __filename;\n")
        archive.writestr("data/settings.json", '{"from": "layer"}')
    arn = lambda_client.publish_layer_version(LayerName="opt-layer", Content={"ZipFile": buffer.getvalue()})
    return str(arn["LayerVersionArn"])


@pytest.fixture(scope="module")
def opt_available(cloud: LocalCloud) -> None:
    zygote = cloud.context.lambda_._zygote
    if zygote is None:
        pytest.skip("the zygote is disabled (FOGBANK_LAMBDA_ZYGOTE=0), so there is no /opt namespace")
    zygote.start()
    if zygote.opt_error is not None:
        pytest.skip(f"this machine has no user + mount namespaces: {zygote.opt_error}")


PYTHON_OPT = """
    import json, os, subprocess
    import laymod
    def handler(event, context):
        with open("/opt/data/settings.json") as f:
            settings = json.load(f)
        tool = subprocess.run(["fogbank-tool"], capture_output=True, text=True).stdout.strip()
        return {"laymod": laymod.WHERE, "settings": settings, "tool": tool, "path": os.environ["PATH"]}
"""


def test_python_function_sees_its_layers_at_opt(
    opt_available: None, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a layer with python/, bin/ and a data file, and a function reading them by their /opt paths
    name = make_function({"app.py": PYTHON_OPT}, Layers=[_layer(lambda_client)])

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN /opt/python is importable, /opt/bin is on PATH, and absolute /opt paths resolve
    assert "FunctionError" not in response, body
    assert body["laymod"] == "/opt/python/laymod.py"
    assert body["settings"] == {"from": "layer"}
    assert body["tool"] == "tool-ran"
    assert body["path"].split(os.pathsep)[-1] == "/opt/bin"


def test_node_function_sees_its_layers_at_opt(opt_available: None, lambda_client: Any, role_arn: str) -> None:
    # GIVEN a Node.js function requiring a layer package and reading a layer file by its /opt path
    source = (
        "const fs = require('fs');\n"
        "exports.handler = async () => ({pkg: require('laypkg'), data: fs.readFileSync('/opt/data/settings.json', 'utf8')});\n"
    )
    lambda_client.create_function(
        FunctionName="node-opt",
        Runtime="nodejs20.x",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": zip_code({"index.js": source})},
        Layers=[_layer(lambda_client)],
    )

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, "node-opt")

    # THEN the package resolves from /opt/nodejs/node_modules and the file from /opt
    assert "FunctionError" not in response, body
    assert body == {"pkg": "/opt/nodejs/node_modules/laypkg/index.js", "data": '{"from": "layer"}'}


def test_a_function_without_layers_sees_an_empty_opt(
    opt_available: None, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function with no layers (this machine's own /opt may have content)
    name = make_function({"app.py": "import os\ndef handler(e, c):\n    return os.listdir('/opt')\n"})

    # WHEN it lists /opt
    _, body = invoke_json(lambda_client, name)

    # THEN it is empty, as on Lambda
    assert body == []


ENVIRONMENT_PROBE = """
    import os, time
    IMPORTS = int(os.environ.get("PROBE_IMPORTS", "0")) + 1
    os.environ["PROBE_IMPORTS"] = str(IMPORTS)
    def handler(event, context):
        time.sleep(event.get("sleep", 0))
        return {
            "pid": os.getpid(),
            "own_group": os.getpgid(0) == os.getpid(),
            "imports": IMPORTS,
            "mine": os.environ.get("MINE"),
            "other": os.environ.get("OTHER"),
            "fogbank": sorted(k for k in os.environ if k.startswith("FOGBANK")),
        }
"""


def test_each_environment_imports_fresh_and_sees_only_its_own_variables(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN two functions with different variables, one of them invoked by two environments at once
    first = make_function({"app.py": ENVIRONMENT_PROBE}, Environment={"Variables": {"MINE": "first"}})
    second = make_function({"app.py": ENVIRONMENT_PROBE}, Environment={"Variables": {"OTHER": "second"}})

    # WHEN both environments of the first and one of the second run
    with ThreadPoolExecutor(3) as pool:
        calls = [(first, {"sleep": 0.5}), (first, {"sleep": 0.5}), (second, {})]
        results = list(pool.map(lambda call: invoke_json(lambda_client, call[0], call[1])[1], calls))

    # THEN each environment is its own process group, imported the handler module once, and sees only its own
    assert len({result["pid"] for result in results}) == 3
    assert all(result["own_group"] for result in results)
    assert [result["imports"] for result in results] == [1, 1, 1]
    assert [(r["mine"], r["other"]) for r in results] == [("first", None), ("first", None), (None, "second")]
    assert all(result["fogbank"] == [] for result in results)


def test_a_timeout_ends_only_its_own_environment(
    cloud: LocalCloud, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a warm environment of one function, and another function that will time out
    steady = make_function({"app.py": ENVIRONMENT_PROBE})
    slow = make_function({"app.py": ENVIRONMENT_PROBE}, Timeout=1)
    before = invoke_json(lambda_client, steady)[1]["pid"]

    # WHEN the other function times out (its environment is killed)
    _, body = invoke_json(lambda_client, slow, {"sleep": 5})

    # THEN only that one ends: the steady function's environment is still the same process
    assert body["errorType"] == "Sandbox.Timedout", json.dumps(body)
    assert invoke_json(lambda_client, steady)[1]["pid"] == before
    assert before in cloud.context.lambda_.worker_pids()


def test_a_module_the_runtime_preloads_comes_from_the_function_when_it_ships_one(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function that ships its own simplejson (the runtime client's dependency, loaded by the runtime)
    files = {
        "app.py": "import simplejson\ndef handler(event, context):\n    return simplejson.WHO\n",
        "simplejson/__init__.py": "WHO = 'the function'\n",
    }
    name = make_function(files)

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN it imported its own copy, as it would on Lambda (task root first), not the runtime's
    assert "FunctionError" not in response, body
    assert body == "the function"
