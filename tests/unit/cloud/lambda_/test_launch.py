"""How a function's runtime is started: command line, Lambda's environment, search paths, unsupported setups."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.lambda_.errors import LambdaApiError
from fogbank.cloud.lambda_.launch import normalize_architecture, plan_launch
from fogbank.cloud.lambda_.python_runtime import BOOT_MODULE

SPEC = FunctionSpec(
    "orders",
    "arn:aws:lambda:us-east-1:123456789012:function:orders",
    "$LATEST",
    "python3.11",
    "app.handler",
    "Zip",
    "sha",
    b"",
    memory_size=256,
    environment={"TABLE": "t", "AWS_LAMBDA_FUNCTION_NAME": "spoofed"},
    log_group="/aws/lambda/orders",
    architecture="arm64",
)


def _plan(spec: FunctionSpec, tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    return plan_launch(
        spec,
        tmp_path / "task",
        tmp_path / "opt",
        cloud_env={"AWS_ENDPOINT_URL": "http://127.0.0.1:1"},
        xray_daemon="127.0.0.1:2000",
        **options,  # type: ignore[arg-type]
    )


def test_a_python_function_runs_the_boot_module_with_lambdas_environment_and_search_path(
    tmp_path: Path,
) -> None:
    # GIVEN a Python function whose own environment tries to set one of Lambda's variables
    runtime_dir = tmp_path / "runtime"

    # WHEN its launch is planned with /opt mounted
    launch = _plan(SPEC, tmp_path, runtime_dir=runtime_dir, opt_mounted=True, host_architecture="x86_64")

    # THEN it runs fogbank's boot module without site-packages, checks native code, and ends with the handler
    assert launch.argv[:4] == [sys.executable, "-S", "-m", BOOT_MODULE]
    assert launch.argv[4:7] == ["--native-check", "arm64", "x86_64"]
    # AND it names the function's runtime (its Python minor's standard library, stdlib_versions.py)
    assert launch.argv[-3:-1] == ["--runtime", SPEC.runtime] and launch.runtime == SPEC.runtime
    assert launch.argv[-1] == "app.handler" and launch.python and launch.handler == "app.handler"
    # AND the search path is Lambda's order: task root, layers (at /opt), then the runtime
    assert launch.env["PYTHONPATH"].split(os.pathsep) == [
        str(tmp_path / "task"),
        f"/opt/python/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages",
        "/opt/python",
        str(runtime_dir),
    ]
    # AND Lambda's own variables win over the function's, which keeps its others, beside the cloud's
    assert launch.env["AWS_LAMBDA_FUNCTION_NAME"] == "orders"
    assert launch.env["TABLE"] == "t" and launch.env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1"
    assert launch.env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert launch.env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert launch.env["_HANDLER"] == "app.handler" and launch.env["TZ"] == ":UTC"
    assert (launch.env["_AWS_XRAY_DAEMON_ADDRESS"], launch.env["_AWS_XRAY_DAEMON_PORT"]) == (
        "127.0.0.1",
        "2000",
    )
    assert launch.env["PATH"].endswith(os.pathsep + "/opt/bin") or launch.env["PATH"] == "/opt/bin"
    assert "AWS_LAMBDA_LOG_FORMAT" not in launch.env
    # AND /opt is mounted from the layers' folder
    assert launch.opt_source == tmp_path / "opt"
    assert launch.architecture == "arm64"


def test_json_logging_sets_the_format_and_the_default_level(tmp_path: Path) -> None:
    # GIVEN a function with LoggingConfig LogFormat JSON and no level
    spec = replace(SPEC, log_format="JSON")
    # WHEN planned without a mount
    launch = _plan(spec, tmp_path, runtime_dir=tmp_path / "runtime")
    # THEN the runtime is told JSON at INFO, and the layers are read where they are (no /opt)
    assert (launch.env["AWS_LAMBDA_LOG_FORMAT"], launch.env["AWS_LAMBDA_LOG_LEVEL"]) == ("JSON", "INFO")
    assert launch.opt_source is None
    assert str(tmp_path / "opt" / "python") in launch.env["PYTHONPATH"].split(os.pathsep)


def test_a_provided_runtime_runs_the_executable_bootstrap_of_the_code_before_a_layers(tmp_path: Path) -> None:
    # GIVEN a provided.al2023 function with an executable bootstrap in its code and one in a layer
    for folder in ("task", "opt"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "bootstrap").write_text("#!/bin/sh\n")
        (tmp_path / folder / "bootstrap").chmod(0o755)
    spec = replace(SPEC, runtime="provided.al2023")

    # WHEN planned
    launch = _plan(spec, tmp_path)

    # THEN the code's bootstrap runs, and the runtime dir is the task root
    assert launch.argv == [str(tmp_path / "task" / "bootstrap")]
    assert launch.env["LAMBDA_RUNTIME_DIR"] == str(tmp_path / "task")


def test_a_provided_runtime_without_an_executable_bootstrap_says_where_to_add_one(tmp_path: Path) -> None:
    # GIVEN a bootstrap that is not executable
    (tmp_path / "task").mkdir()
    (tmp_path / "task" / "bootstrap").write_text("#!/bin/sh\n")
    # WHEN planned THEN the error names the function and the fix
    with pytest.raises(LambdaApiError, match=r"function orders .* executable `bootstrap`; add one") as raised:
        _plan(replace(SPEC, runtime="provided.al2"), tmp_path)
    assert raised.value.code == "InvalidParameterValueException"


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"package_type": "Image"}, "InvalidRuntimeException", "package type Image is not supported here"),
        ({"runtime": "java21"}, "InvalidRuntimeException", "java21 is not supported here; use a python3.x"),
        ({"runtime": None}, "InvalidRuntimeException", "no runtime is not supported here"),
        ({"handler": None}, "InvalidParameterValueException", "has no Handler; set one"),
    ],
)
def test_what_cannot_run_here_is_refused_naming_the_function_and_the_next_step(
    tmp_path: Path, change: dict[str, object], code: str, words: str
) -> None:
    # GIVEN a function the local cloud cannot start / WHEN planned
    with pytest.raises(LambdaApiError) as raised:
        _plan(replace(SPEC, **change), tmp_path, runtime_dir=tmp_path)  # type: ignore[arg-type]
    # THEN the error says which function, what is unsupported and what to do
    assert raised.value.code == code
    assert "orders" in raised.value.message and words in raised.value.message


def test_a_python_runtime_without_its_runtime_directory_is_a_service_error(tmp_path: Path) -> None:
    # WHEN the runtime directory was not prepared THEN it is the cloud's fault (500), not the caller's
    with pytest.raises(LambdaApiError) as raised:
        _plan(SPEC, tmp_path)
    assert (raised.value.code, raised.value.status) == ("ServiceException", 500)


@pytest.mark.parametrize(
    ("given", "word"),
    [("x86_64", "x86_64"), ("AMD64", "x86_64"), ("aarch64", "arm64"), ("arm64", "arm64"), ("riscv", "riscv")],
)
def test_architectures_get_lambdas_names(given: str, word: str) -> None:
    # WHEN a machine's architecture name is normalised THEN it is Lambda's word; unknown names stay
    assert normalize_architecture(given) == word


def test_an_environment_with_layers_at_opt_gets_its_own_tmp_of_the_ephemeral_storage_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a function with 2048 MB of ephemeral storage, and a cloud process with a TMPDIR
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    spec = replace(SPEC, ephemeral_storage=2048)
    runtime_dir = tmp_path / "runtime"

    # WHEN its launch is planned with and without /opt mounted
    mounted = _plan(spec, tmp_path, runtime_dir=runtime_dir, opt_mounted=True)
    shared = _plan(spec, tmp_path, runtime_dir=runtime_dir, opt_mounted=False)

    # THEN only the mounted one has a private /tmp of that size, no TMPDIR (Lambda sets none), and keeps its
    # task root and runtime directory reachable
    assert mounted.tmp_mb == 2048 and "TMPDIR" not in mounted.env
    assert {tmp_path / "task", runtime_dir} <= set(mounted.keep_paths)
    assert shared.tmp_mb is None and shared.keep_paths == () and shared.env["TMPDIR"] == str(tmp_path)


@pytest.mark.parametrize("runtime", ["python3.11", "nodejs20.x", "provided.al2023"])
def test_an_environment_with_its_code_at_var_task_names_var_task_everywhere(
    tmp_path: Path, runtime: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a function of `runtime` (a provided one ships an executable bootstrap; node needs no real runtime)
    (tmp_path / "task").mkdir()
    (tmp_path / "task" / "bootstrap").write_text("#!/bin/sh\n")
    (tmp_path / "task" / "bootstrap").chmod(0o755)
    monkeypatch.setattr("fogbank.cloud.lambda_.launch.ensure_node_runtime", lambda: tmp_path / "sdk")
    spec = replace(
        SPEC, runtime=runtime, handler="index.handler" if runtime.startswith("node") else "app.handler"
    )

    # WHEN its launch is planned with /opt and /var/task mounted
    launch = _plan(spec, tmp_path, runtime_dir=tmp_path / "runtime", opt_mounted=True, task_mounted=True)

    # THEN the code is mounted from its task root at /var/task, where the environment starts and looks for it
    assert launch.task_source == tmp_path / "task"
    assert launch.cwd == Path("/var/task") and launch.env["LAMBDA_TASK_ROOT"] == "/var/task"
    assert launch.check_roots == (Path("/var/task"), Path("/opt"))
    # AND the host's task root is no longer kept reachable under a private /tmp (nothing opens it by that path)
    assert tmp_path / "task" not in launch.keep_paths
    if runtime.startswith("python"):
        assert launch.env["PYTHONPATH"].split(os.pathsep)[0] == "/var/task"
        assert launch.argv[7] == os.pathsep.join(["/var/task", "/opt"])  # the native check's roots
    elif runtime.startswith("nodejs"):
        assert launch.env["NODE_PATH"].split(os.pathsep)[-2:] == ["/var/task/node_modules", "/var/task"]
    else:
        assert launch.argv == ["/var/task/bootstrap"]


def test_without_var_task_the_task_root_is_its_host_path(tmp_path: Path) -> None:
    # GIVEN a machine where /opt can be mounted but /var/task cannot, and one without namespaces
    # WHEN a Python function's launch is planned on each (task_mounted needs opt_mounted)
    for launch in (
        _plan(SPEC, tmp_path, runtime_dir=tmp_path / "runtime", opt_mounted=True),
        _plan(SPEC, tmp_path, runtime_dir=tmp_path / "runtime", task_mounted=True),
    ):
        # THEN nothing is mounted at /var/task and every path names the host's task root, as before
        assert launch.task_source is None
        assert launch.cwd == tmp_path / "task" and launch.env["LAMBDA_TASK_ROOT"] == str(tmp_path / "task")
        assert launch.env["PYTHONPATH"].split(os.pathsep)[0] == str(tmp_path / "task")


@pytest.mark.parametrize(("runtime", "site"), [("python3.13", "python3.13"), ("python3.10", "python3.10")])
def test_a_layers_site_directory_is_the_named_minors(tmp_path: Path, runtime: str, site: str) -> None:
    # GIVEN a function naming another Python minor than this interpreter's
    spec = replace(SPEC, runtime=runtime)

    # WHEN its launch is planned THEN its layers' site directory is that minor's, as on Lambda
    launch = _plan(spec, tmp_path, runtime_dir=tmp_path / "runtime", opt_mounted=True)
    assert launch.env["PYTHONPATH"].split(os.pathsep)[1] == f"/opt/python/lib/{site}/site-packages"
