"""A Python function's own PYTHON* variables: which make its environment a new interpreter, and the sys.path a
function's own PYTHONPATH gives, as Lambda's bootstrap makes it (tests/integration/lambda_/
test_interpreter_variables.py runs real functions through the local cloud)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.lambda_.interpreter_variables import READ_WHEN_USED, interpreter_variables
from fogbank.cloud.lambda_.launch import plan_launch
from fogbank.cloud.lambda_.worker import Launch

SPEC = FunctionSpec(
    "vars",
    "arn:aws:lambda:us-east-1:123456789012:function:vars",
    "$LATEST",
    "python3.12",
    "app.handler",
    "Zip",
    "sha",
    b"",
)


def _plan(spec: FunctionSpec, tmp_path: Path) -> Launch:
    (tmp_path / "task").mkdir(exist_ok=True)
    (tmp_path / "opt").mkdir(exist_ok=True)
    return plan_launch(
        spec,
        tmp_path / "task",
        tmp_path / "opt",
        cloud_env={},
        xray_daemon="127.0.0.1:2000",
        runtime_dir=tmp_path / "runtime",
        opt_mounted=True,
        task_mounted=True,
    )


def _shown_pythonpath(launch: Launch) -> str:
    """The value the worker boot sets PYTHONPATH to: `--pythonpath <value>` in its command line, else
    LAMBDA_RUNTIME_DIR."""
    if "--pythonpath" in launch.argv:
        return launch.argv[launch.argv.index("--pythonpath") + 1]
    return launch.env["LAMBDA_RUNTIME_DIR"]


@pytest.mark.parametrize(
    "variable",
    [
        "PYTHONWARNINGS",
        "PYTHONHASHSEED",
        "PYTHONUTF8",
        "PYTHONIOENCODING",
        "PYTHONOPTIMIZE",
        "PYTHONMALLOC",
        "PYTHONDEVMODE",
        "PYTHONPATH",
        "PYTHONUNBUFFERED",
        "PYTHON_CPU_COUNT",
        "PYTHON_SOME_FUTURE_SETTING",
    ],
)
def test_a_variable_read_as_the_interpreter_starts_gets_the_function_a_new_interpreter(
    tmp_path: Path, variable: str
) -> None:
    # GIVEN a Python function that sets a variable CPython reads as it starts (or one it does not know yet)
    spec = replace(SPEC, environment={variable: "1"})

    # WHEN its launch is planned
    launch = _plan(spec, tmp_path)

    # THEN its environment is exec'd, not forked, and keeps the function's value (PYTHONPATH's: shown by the boot)
    assert launch.own_loader and (variable == "PYTHONPATH" or launch.env[variable] == "1")


@pytest.mark.parametrize("variable", sorted(READ_WHEN_USED))
def test_a_variable_read_when_used_keeps_the_function_forked(tmp_path: Path, variable: str) -> None:
    # GIVEN a Python function that sets only a variable CPython reads when it is used (or never on Linux)
    spec = replace(SPEC, environment={variable: "1", "TABLE": "orders"})

    # WHEN its launch is planned
    launch = _plan(spec, tmp_path)

    # THEN it is forked from the zygote, the fast path, and still sees the variable
    assert not launch.own_loader and launch.env[variable] == "1"
    assert interpreter_variables(spec.environment) == []


def test_without_its_own_pythonpath_a_function_gets_the_task_root_the_layers_and_the_runtime(
    tmp_path: Path,
) -> None:
    # GIVEN a Python function that sets no PYTHONPATH
    # WHEN its launch is planned
    launch = _plan(SPEC, tmp_path)

    # THEN its path is Lambda's default: task root, the layers' directories, the runtime; it is forked
    expected = [
        "/var/task",
        "/opt/python/lib/python3.12/site-packages",
        "/opt/python",
        str(tmp_path / "runtime"),
    ]
    assert launch.env["PYTHONPATH"].split(os.pathsep) == expected and not launch.own_loader
    assert launch.env["PYTHONUNBUFFERED"] == "1"
    # and once that path is made, PYTHONPATH shows Lambda's default, LAMBDA_RUNTIME_DIR, as Lambda's bootstrap sets
    assert _shown_pythonpath(launch) == launch.env["LAMBDA_RUNTIME_DIR"] == str(tmp_path / "runtime")


@pytest.mark.parametrize(
    ("runtime", "order"),
    [("python3.12", ["task", "own", "runtime"]), ("python3.10", ["task", "runtime", "own"])],
)
def test_a_functions_own_pythonpath_replaces_the_layers_directories(
    tmp_path: Path, runtime: str, order: list[str]
) -> None:
    # GIVEN a Python function with its own PYTHONPATH (two directories)
    spec = replace(SPEC, runtime=runtime, environment={"PYTHONPATH": "/mnt/efs/lib:/var/task/src"})

    # WHEN its launch is planned
    launch = _plan(spec, tmp_path)

    # THEN no layer directory is searched (Lambda's bootstrap adds them only where PYTHONPATH is unset); its
    # entries follow the task root, before the runtime where Lambda keeps boto3 in site-packages (python3.11+),
    # after it where boto3 is in /var/runtime (python3.8-3.10)
    parts = {
        "task": ["/var/task"],
        "own": ["/mnt/efs/lib", "/var/task/src"],
        "runtime": [str(tmp_path / "runtime")],
    }
    assert launch.env["PYTHONPATH"].split(os.pathsep) == [entry for part in order for entry in parts[part]]
    assert launch.own_loader
    # and once that path is made, PYTHONPATH shows the function's own value, as on Lambda
    assert _shown_pythonpath(launch) == "/mnt/efs/lib:/var/task/src"


def test_a_functions_own_unbuffered_setting_is_kept(tmp_path: Path) -> None:
    # GIVEN a Python function that sets PYTHONUNBUFFERED itself
    spec = replace(SPEC, environment={"PYTHONUNBUFFERED": "yes"})

    # WHEN its launch is planned
    # THEN its value is the one its interpreter starts with
    assert _plan(spec, tmp_path).env["PYTHONUNBUFFERED"] == "yes"
