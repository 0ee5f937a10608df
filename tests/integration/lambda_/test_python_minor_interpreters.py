"""A python3.X function runs on CPython 3.X when this machine has it (interpreters.py): its syntax, standard
library and `sys.version_info` are that minor's, with every runtime guarantee; without it, the emulation.

Each test needs the named minor's interpreter (pyenv's, uv's, or on PATH) and skips, saying so, without it. The
first run on a machine installs the runtime's packages for each minor into the machine cache (about 2-3 s each).
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import sysconfig
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tenacity import retry, retry_if_result, stop_after_delay, wait_exponential

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.interpreters import find_interpreter
from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER
from lambda_support import invoke_json
from layer_support import layer_zip


def _needs(minor: tuple[int, int]) -> pytest.MarkDecorator:
    found = find_interpreter(minor)
    tried = "; ".join(found.tried) or "no candidate on PATH, in pyenv's or in uv's versions"
    return pytest.mark.skipif(
        found.interpreter is None or minor == INTERPRETER,
        reason=f"this machine has no usable CPython {minor[0]}.{minor[1]} ({tried})",
    )


NEEDS_312, NEEDS_313 = _needs((3, 12)), _needs((3, 13))

VERSION_HANDLER = """
    import itertools, os, sys

    def handler(event, context):
        try:
            open("/var/task/written", "w")
            task = "writable"
        except OSError as exc:
            task = exc.strerror
        return {
            "version": list(sys.version_info[:2]),
            "executable": sys.executable,
            "var_lang_python": os.path.realpath("/var/lang/bin/python"),
            "batched": [list(b) for b in itertools.batched("abc", 2)] if sys.version_info >= (3, 12) else None,
            "task": task,
            "host_tmp_seen": os.path.exists(event.get("host_file", "/nonexistent")),
            "pids": [os.getpid(), os.getppid()],
        }
"""


@pytest.mark.parametrize(
    "runtime", [pytest.param("python3.12", marks=NEEDS_312), pytest.param("python3.13", marks=NEEDS_313)]
)
def test_a_function_runs_on_the_interpreter_of_the_minor_it_names(
    lambda_client: Any,
    make_function: Callable[..., str],
    caplog: pytest.LogCaptureFixture,
    tmp_path_factory: pytest.TempPathFactory,
    runtime: str,
) -> None:
    # GIVEN a function naming `runtime`, whose handler uses itertools.batched (3.12+), and a file in the host's /tmp
    name = make_function({"app.py": VERSION_HANDLER}, Runtime=runtime)
    host_file = tmp_path_factory.mktemp("host") / "seen"
    host_file.touch()

    # WHEN it is invoked
    with caplog.at_level(logging.WARNING, logger="fogbank.cloud.lambda_.runtime_versions"):
        response, body = invoke_json(lambda_client, name, {"host_file": str(host_file)})

    # THEN it ran on that minor, as /var/lang/bin/python3.X, with code read-only and its own empty /tmp, and no
    # warning was logged about it
    assert response.get("FunctionError") is None, body
    assert body["version"] == [3, int(runtime.split(".")[1])]
    assert body["executable"] == f"/var/lang/bin/{runtime}"
    assert os.path.basename(body["var_lang_python"]) == runtime  # /var/lang/bin/python: it too
    assert body["batched"] == [["a", "b"], ["c"]]
    assert (body["task"], body["host_tmp_seen"]) == (
        "Read-only file system",
        not str(host_file).startswith("/tmp"),
    )
    assert not [r for r in caplog.records if f"function {name} " in r.getMessage()]


@NEEDS_313
def test_a_python_3_13_function_setting_a_loader_variable_is_execd_on_python_3_13(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a python3.13 function setting LD_BIND_NOW (so its environment is exec'd, not forked: library_path.py)
    name = make_function(
        {"app.py": VERSION_HANDLER}, Runtime="python3.13", Environment={"Variables": {"LD_BIND_NOW": "1"}}
    )

    # WHEN it is invoked THEN the new process is python3.13 too, as /var/lang/bin/python3.13
    response, body = invoke_json(lambda_client, name)
    assert response.get("FunctionError") is None, body
    assert (body["version"], body["executable"]) == ([3, 13], "/var/lang/bin/python3.13")


@NEEDS_313
def test_the_python_3_13_zygote_names_its_own_interpreters_library_directory_first(
    cloud: LocalCloud, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a python3.13 function that has run (its start started the 3.13 zygote)
    name = make_function({"app.py": VERSION_HANDLER}, Runtime="python3.13")
    assert invoke_json(lambda_client, name)[0].get("FunctionError") is None
    host = cloud.context.lambda_._hosts.for_runtime("python3.13")  # type: ignore[union-attr]
    if host.zygote is None or host.zygote._process is None:
        pytest.skip("no zygote on this machine: every Python environment is a new interpreter")

    # WHEN the 3.13 zygote's environment is read (what its forked environments' loader keeps)
    raw = Path(f"/proc/{host.zygote._process.pid}/environ").read_bytes().decode()
    environ = dict(entry.split("=", 1) for entry in raw.split("\0") if "=" in entry)

    # THEN its LD_LIBRARY_PATH names CPython 3.13's own library directory first (its probe's LIBDIR), as Lambda
    # names /var/lang/lib, not the cloud's interpreter's
    found = find_interpreter((3, 13)).interpreter
    assert found is not None
    expected = str(found.library_dir) if found.library_dir is not None else "/var/lang/lib"
    assert environ["LD_LIBRARY_PATH"].split(os.pathsep)[0] == expected
    own = sysconfig.get_config_var("LIBDIR")
    if found.library_dir is not None and own != str(found.library_dir):
        assert own not in environ["LD_LIBRARY_PATH"].split(os.pathsep)


@NEEDS_312
def test_pep_695_syntax_runs_on_python_3_12(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a python3.12 function whose module uses a PEP 695 type alias and generic function
    source = "type Count = int\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n\n"
    source += "def handler(event, context):\n    return [Count.__value__.__name__, first([7, 8])]\n"
    name = make_function({"app.py": source}, Runtime="python3.12")

    # WHEN it is invoked THEN it runs (the cloud's 3.11 could not even compile it)
    assert invoke_json(lambda_client, name)[1] == ["int", 7]


@NEEDS_313
def test_a_python_3_13_import_of_a_removed_module_fails_as_on_aws(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a python3.13 function importing cgi (removed in 3.13)
    name = make_function({"app.py": "import cgi\ndef handler(e, c):\n    return 1\n"}, Runtime="python3.13")

    # WHEN it is invoked THEN its import fails with AWS's message, word for word (3.13 has no cgi)
    response, body = invoke_json(lambda_client, name)
    assert (response.get("FunctionError"), body["errorType"]) == ("Unhandled", "Runtime.ImportModuleError")
    assert body["errorMessage"] == "Unable to import module 'app': No module named 'cgi'"


@NEEDS_313
def test_powertools_logger_metrics_and_tracer_run_on_python_3_13(
    cloud: Any, lambda_client: Any, make_function: Callable[..., str], logs_client: Any
) -> None:
    # GIVEN a python3.13 function with Active tracing using Powertools' Logger, Metrics and Tracer from a layer
    layer = lambda_client.publish_layer_version(
        LayerName="powertools", Content={"ZipFile": layer_zip("aws-lambda-powertools", "aws-xray-sdk")}
    )["LayerVersionArn"]
    source = """
        import sys
        from aws_lambda_powertools import Logger, Metrics, Tracer
        from aws_lambda_powertools.metrics import MetricUnit

        logger, metrics, tracer = Logger(service="orders"), Metrics(namespace="Orders"), Tracer(service="orders")

        @logger.inject_lambda_context
        @metrics.log_metrics
        @tracer.capture_lambda_handler
        def handler(event, context):
            metrics.add_metric(name="Placed", unit=MetricUnit.Count, value=1)
            logger.info("placed")
            return list(sys.version_info[:2])
    """
    name = make_function(
        {"app.py": source}, Runtime="python3.13", Layers=[layer], Timeout=30, TracingConfig={"Mode": "Active"}
    )

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name, LogType="Tail")

    # THEN it ran on 3.13; its log has Powertools' structured line and the metric (EMF); X-Ray has the trace with
    # Lambda's function segment and the Tracer's handler subsegment
    assert (response.get("FunctionError"), body) == (None, [3, 13])
    tail = base64.b64decode(response["LogResult"]).decode()
    trace = re.search(r"XRAY TraceId: (\S+)\tSegmentId: (\S+)\tSampled: true", tail)
    assert trace, tail
    documents = _trace_documents(cloud.client("xray"), trace.group(1), "## handler")
    assert "AWS::Lambda::Function" in {document.get("origin") for document in documents}
    events = logs_client.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    lines = [json.loads(e["message"]) for e in events if e["message"].startswith("{")]
    assert any(line.get("message") == "placed" and line.get("service") == "orders" for line in lines), events
    assert any("Placed" in line and "_aws" in line for line in lines), [e["message"] for e in events]


@NEEDS_313
def test_a_timeout_on_python_3_13_ends_the_environment(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a python3.13 function that sleeps past its 1 s timeout
    source = "import time\ndef handler(e, c):\n    time.sleep(30)\n"
    name = make_function({"app.py": source}, Runtime="python3.13", Timeout=1)

    # WHEN it is invoked THEN it times out as on AWS
    _, body = invoke_json(lambda_client, name)
    assert body["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]


IMPORTS_EXTENSION = (
    "import fast._bisect\ndef handler(event, context):\n    return fast._bisect.bisect_right([1, 3], 2)\n"
)


@NEEDS_313
@pytest.mark.parametrize(
    ("built_for", "loads"), [("313", True), (f"{INTERPRETER[0]}{INTERPRETER[1]}", False)]
)
def test_a_python_3_13_function_loads_cpython_313_extensions_and_finds_no_other(
    lambda_client: Any, role_arn: str, built_for: str, loads: bool
) -> None:
    # GIVEN a python3.13 function shipping a real _bisect extension built for CPython `built_for`
    library = _extension_of("313" if built_for == "313" else None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", IMPORTS_EXTENSION)
        archive.writestr("fast/__init__.py", "")
        archive.writestr(f"fast/{library.name}", library.read_bytes())
    name = f"ext-{uuid.uuid4().hex[:10]}"
    lambda_client.create_function(
        FunctionName=name, Runtime="python3.13", Role=role_arn, Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()},
    )  # fmt: skip

    # WHEN it is invoked
    _, body = invoke_json(lambda_client, name)

    # THEN 3.13's build loads and runs; another minor's is not found, as on Lambda, word for word
    if loads:
        assert body == 1
    else:
        assert body["errorMessage"] == "Unable to import module 'app': No module named 'fast._bisect'"


def _extension_of(minor_tag: str | None) -> Path:
    """The real _bisect extension of CPython 3.<minor_tag> (None: of the cloud's interpreter)."""
    if minor_tag is None:
        return next(Path(sysconfig.get_config_var("DESTSHARED")).glob("_bisect.*.so"))
    found = find_interpreter((3, int(minor_tag[1:])))
    assert found.interpreter is not None
    dynload = found.interpreter.base_prefix / "lib" / f"python3.{minor_tag[1:]}" / "lib-dynload"
    return next(dynload.glob(f"_bisect.cpython-{minor_tag}-*.so"))


@retry(
    stop=stop_after_delay(10), wait=wait_exponential(0.01, max=0.2), retry=retry_if_result(lambda d: not d)
)
def _trace_documents(xray: Any, trace_id: str, needle: str) -> list[dict[str, Any]]:
    """The trace's segment documents, once one of them mentions `needle` (X-Ray receives them asynchronously)."""
    traces = xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
    documents = [json.loads(s["Document"]) for t in traces for s in t["Segments"]]
    return documents if any(needle in json.dumps(d) for d in documents) else []
