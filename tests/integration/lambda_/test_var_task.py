"""A function's code is at /var/task, as on AWS (LAMBDA_TASK_ROOT, the working directory, the handler's paths),
wherever environments get their own mount namespace: Python, Node.js (CommonJS and ES modules) and `provided`
functions run through the local cloud and read what they ship by /var/task paths, which they cannot write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import invoke_json, zip_code


@pytest.fixture(scope="module")
def var_task_available(cloud: LocalCloud) -> None:
    zygote = cloud.context.lambda_._zygote
    if zygote is None:
        pytest.skip("the zygote is disabled (FOGBANK_LAMBDA_ZYGOTE=0): code is at its host path then")
    zygote.start()
    if zygote.var_task_error is not None:
        pytest.skip(f"this machine cannot show code at /var/task: {zygote.var_task_error}")


PYTHON_APP = """
import json, os, sys, traceback

sys.path.append("/var/task/vendor")  # what code written for AWS does
import vendored

def handler(event, context):
    try:
        open("/var/task/written.txt", "w")
        write = "written"
    except OSError as exc:
        write = str(exc)
    if event.get("fail"):
        raise ValueError("failed on purpose")
    with open("/var/task/certs/rds.pem") as file:
        cert = file.read()
    return {
        "task_root": os.environ["LAMBDA_TASK_ROOT"],
        "cwd": os.getcwd(),
        "file": __file__,
        "pythonpath": os.environ["PYTHONPATH"] == os.environ["LAMBDA_RUNTIME_DIR"],
        "sys_path": sys.path[0],
        "vendored": vendored.__file__,
        "cert": cert,
        "write": write,
    }
"""


def test_a_python_function_runs_from_var_task(
    var_task_available: None, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a Python function that opens files and extends sys.path by hard-coded /var/task paths
    files = {"app.py": PYTHON_APP, "vendor/vendored.py": "VALUE = 1\n", "certs/rds.pem": "-----CERT-----\n"}
    name = make_function(files)

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN its code is at /var/task, as on AWS: variable, working directory, module file, search path
    assert "FunctionError" not in response, body
    assert body["task_root"] == body["cwd"] == body["sys_path"] == "/var/task"
    assert body["pythonpath"] is True  # PYTHONPATH as Lambda's bootstrap leaves it: LAMBDA_RUNTIME_DIR
    assert body["file"] == "/var/task/app.py"
    assert body["vendored"] == "/var/task/vendor/vendored.py"
    assert body["cert"] == "-----CERT-----\n"
    # AND /var/task is read-only, as the task root always was
    assert body["write"] == "[Errno 30] Read-only file system: '/var/task/written.txt'"


def test_a_python_traceback_names_var_task(
    var_task_available: None, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN the same kind of function, told to raise
    name = make_function({"app.py": PYTHON_APP, "vendor/vendored.py": "VALUE = 1\n"})

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name, {"fail": True})

    # THEN the error's stack trace names the handler's file at /var/task, as AWS's does
    assert response.get("FunctionError") == "Unhandled", body
    assert body["errorType"] == "ValueError"
    assert any('File "/var/task/app.py"' in frame for frame in body["stackTrace"]), body["stackTrace"]


NODE_COMMONJS = """
const fs = require('fs');
const helper = require('/var/task/lib/helper.js');
exports.handler = async () => {
  let write;
  try { fs.writeFileSync('/var/task/written.txt', 'x'); write = 'written'; } catch (err) { write = err.code; }
  return {taskRoot: process.env.LAMBDA_TASK_ROOT, cwd: process.cwd(), file: __filename, helper: helper.where,
          nodePath: process.env.NODE_PATH.split(':'), data: fs.readFileSync('/var/task/data.txt', 'utf8'), write};
};
"""

NODE_ESM = """
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { where } from '/var/task/lib/helper.mjs';
export const handler = async () => {
  let write;
  try { fs.writeFileSync('/var/task/written.txt', 'x'); write = 'written'; } catch (err) { write = err.code; }
  return {taskRoot: process.env.LAMBDA_TASK_ROOT, cwd: process.cwd(), file: fileURLToPath(import.meta.url),
          helper: where, nodePath: process.env.NODE_PATH.split(':'), data: fs.readFileSync('/var/task/data.txt', 'utf8'),
          write};
};
"""


@pytest.mark.parametrize("kind", ["commonjs", "esm"])
def test_a_nodejs_function_resolves_from_var_task(
    var_task_available: None, lambda_client: Any, role_arn: str, kind: str
) -> None:
    # GIVEN a Node.js handler (CommonJS or .mjs) that loads a module and reads a file by /var/task paths
    if kind == "commonjs":
        files = {"index.js": NODE_COMMONJS, "lib/helper.js": "exports.where = __filename;\n"}
    else:
        files = {"index.mjs": NODE_ESM, "lib/helper.mjs": "export const where = import.meta.url;\n"}
    name = f"var-task-node-{kind}"
    lambda_client.create_function(
        FunctionName=name,
        Runtime="nodejs20.x",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": zip_code({**files, "data.txt": "shipped"})},
    )

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN the handler was loaded from /var/task, which is its working directory, its variable and on NODE_PATH
    assert "FunctionError" not in response, body
    extension = "js" if kind == "commonjs" else "mjs"
    assert body["taskRoot"] == body["cwd"] == "/var/task"
    assert body["file"] == f"/var/task/index.{extension}"
    assert body["helper"] in (f"/var/task/lib/helper.{extension}", f"file:///var/task/lib/helper.{extension}")
    assert body["nodePath"][-2:] == ["/var/task/node_modules", "/var/task"]
    assert body["data"] == "shipped"
    # AND a write there fails as on AWS (read-only file system)
    assert body["write"] == "EROFS"


PROVIDED_BOOTSTRAP = """#!/usr/bin/env python3
import json, os, sys, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
with urllib.request.urlopen(api + "next") as reply:
    request_id = reply.headers["Lambda-Runtime-Aws-Request-Id"]
try:
    open("/var/task/written.txt", "w")
    write = "written"
except OSError as exc:
    write = exc.strerror
answer = {"argv0": sys.argv[0], "cwd": os.getcwd(), "task_root": os.environ["LAMBDA_TASK_ROOT"],
          "data": open("/var/task/data.txt").read(), "write": write}
urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", json.dumps(answer).encode()))
"""


def test_a_provided_functions_bootstrap_runs_as_var_task_bootstrap(
    var_task_available: None, lambda_client: Any, role_arn: str
) -> None:
    # GIVEN a `provided` function whose code ships an executable bootstrap and a data file
    lambda_client.create_function(
        FunctionName="var-task-provided",
        Runtime="provided.al2023",
        Role=role_arn,
        Handler="unused",
        Code={
            "ZipFile": zip_code(
                {"bootstrap": PROVIDED_BOOTSTRAP, "data.txt": "shipped"}, modes={"bootstrap": 0o755}
            )
        },
    )

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, "var-task-provided")

    # THEN Lambda ran /var/task/bootstrap in /var/task, which it can read and not write
    assert "FunctionError" not in response, body
    assert body == {
        "argv0": "/var/task/bootstrap",
        "cwd": "/var/task",
        "task_root": "/var/task",
        "data": "shipped",
        "write": "Read-only file system",
    }


HOST_PATH_PROBE = """
import os
def handler(event, context):
    try:
        open(os.path.join(os.environ["LAMBDA_TASK_ROOT"], "written.txt"), "w")
        write = "written"
    except OSError as exc:
        write = exc.strerror
    return {"task_root": os.environ["LAMBDA_TASK_ROOT"], "cwd": os.getcwd(), "file": __file__,
            "opt": os.path.isdir("/opt"), "var_task": os.path.isdir("/var/task/") and os.listdir("/var/task"),
            "write": write}
"""


def test_where_only_var_task_is_unavailable_the_code_runs_at_its_host_path_read_only(
    var_task_available: None, cloud: LocalCloud, make_function: Callable[..., str], lambda_client: Any
) -> None:
    # GIVEN a cloud whose zygote found it cannot show code at /var/task (what a kernel without overlayfs in a user
    # namespace reports; simulated here, as this machine can) while /opt works
    zygote = cloud.context.lambda_._zygote
    assert zygote is not None
    zygote.var_task_error = "simulated: /var could not be overlaid"
    try:
        name = make_function({"app.py": HOST_PATH_PROBE})

        # WHEN a function is invoked
        response, body = invoke_json(lambda_client, name)
    finally:
        zygote.var_task_error = None

    # THEN its code is at its host path (variable, working directory, module file), still read-only, and nothing
    # of it is at /var/task
    assert "FunctionError" not in response, body
    task_root = body["task_root"]
    assert task_root.startswith(str(cloud.context.state_dir)) and task_root != "/var/task"
    assert body["cwd"] == task_root and body["file"] == f"{task_root}/app.py"
    assert body["write"] == "Read-only file system"
    assert not body["var_task"]
