"""A function naming another Python minor than the local cloud's interpreter, where this machine has no CPython of
that minor, gets that minor's standard library modules (those it lacks fail to import, with AWS's message), and
what cannot be emulated is said, not hidden.

The cloud of this module runs every python3.x function on its own interpreter (3.11 here): FOGBANK_PYTHON_3_X is
`emulate` for every other minor, as if this machine had none of them (stdlib_versions.py). Functions on the
interpreter they name: test_python_minor_interpreters.py.
"""

from __future__ import annotations

import base64
import io
import logging
import sys
import sysconfig
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER
from fogbank.cloud.lambda_.version_errors import NOTE_PREFIX
from lambda_support import invoke_json, zip_code
from layer_support import layer_zip

HERE = f"python{INTERPRETER[0]}.{INTERPRETER[1]}"
NEWER_SENTENCE = f"This machine runs the function on Python {INTERPRETER[0]}.{INTERPRETER[1]} while it names"
pytestmark = pytest.mark.skipif(INTERPRETER != (3, 11), reason="the cases below are written for a 3.11 cloud")


@pytest.fixture(scope="module", autouse=True)
def _emulated_minors() -> Iterator[None]:
    """Before the module's cloud starts: no other minor's interpreter is used (interpreters.py)."""
    with pytest.MonkeyPatch.context() as patch:
        for minor in range(9, 16):
            if (3, minor) != INTERPRETER:
                patch.setenv(f"FOGBANK_PYTHON_3_{minor}", "emulate")
        yield


def _init_error(lambda_client: Any, name: str) -> tuple[str | None, dict[str, Any]]:
    response, body = invoke_json(lambda_client, name)
    return response.get("FunctionError"), body


def _error_and_notes(lambda_client: Any, name: str) -> tuple[dict[str, Any], list[str]]:
    """The invocation's error and fogbank's notes in the function's log (the tail of its log lines)."""
    response, body = invoke_json(lambda_client, name, LogType="Tail")
    tail = base64.b64decode(response.get("LogResult", "")).decode()
    return body, [line for line in tail.splitlines() if line.startswith(NOTE_PREFIX)]


@pytest.mark.parametrize(
    ("runtime", "source", "module"),
    [
        ("python3.13", "import cgi\n", "cgi"),
        ("python3.13", "import telnetlib\n", "telnetlib"),
        ("python3.12", "from distutils.util import strtobool\n", "distutils"),
        ("python3.12", "import imp\n", "imp"),
        ("python3.13", "import asyncore\n", "asyncore"),  # removed in 3.12: gone in every later version too
        ("python3.10", "import tomllib\n", "tomllib"),
        ("python3.10", "import wsgiref.types\n", "wsgiref.types"),
        ("python3.10", "import asyncio.taskgroups\n", "asyncio.taskgroups"),  # asyncio loads it on 3.11
        ("python3.9", "import importlib.readers\n", "importlib.readers"),
        ("python3.13", "import _crypt\n", "_crypt"),
    ],
)
def test_a_module_the_named_version_lacks_fails_to_import_with_aws_message(
    lambda_client: Any, make_function: Callable[..., str], runtime: str, source: str, module: str
) -> None:
    # GIVEN a function naming `runtime` whose module imports a standard-library module that version lacks
    name = make_function(
        {"app.py": source + "def handler(event, context):\n    return 'ran'\n"}, Runtime=runtime
    )

    # WHEN it is invoked
    error, body = _init_error(lambda_client, name)

    # THEN its import fails as on AWS, word for word, with nothing added
    assert error == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"] == f"Unable to import module 'app': No module named '{module}'"


@pytest.mark.parametrize(
    "runtime",
    ["python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14", "python3.15"],
)
def test_a_handler_importing_nothing_removed_runs_on_every_named_version(
    lambda_client: Any, make_function: Callable[..., str], runtime: str
) -> None:
    # GIVEN a function naming `runtime` that uses standard-library modules every version has, and boto3
    source = """
        import json, os, email.message, http.client, decimal, logging, ssl, asyncio, zipfile
        import boto3

        def handler(event, context):
            boto3.client("s3").list_buckets()
            return json.dumps({"ok": os.environ["AWS_EXECUTION_ENV"]})
    """
    name = make_function({"app.py": source}, Runtime=runtime, Timeout=30)

    # WHEN it is invoked THEN it runs
    response, body = invoke_json(lambda_client, name)
    assert response.get("FunctionError") is None, body
    assert body == f'{{"ok": "AWS_Lambda_{runtime}"}}'


def test_the_interpreters_own_minor_keeps_every_module(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function naming this interpreter's minor that imports modules later versions removed
    name = make_function(
        {"app.py": "import cgi, distutils, imp\ndef handler(event, context):\n    return cgi.__name__\n"},
        Runtime=HERE,
    )

    # WHEN it is invoked THEN they import, as on AWS's python3.11
    response, body = invoke_json(lambda_client, name)
    assert (response.get("FunctionError"), body) == (None, "cgi")


def test_an_import_inside_the_handler_fails_as_it_would_there(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a python3.13 function that imports a removed module only when it runs
    source = "def handler(event, context):\n    import pipes\n    return 'ran'\n"
    name = make_function({"app.py": source}, Runtime="python3.13")

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN the handler's own error is Python's, as on AWS
    assert response.get("FunctionError") == "Unhandled"
    assert (body["errorType"], body["errorMessage"]) == ("ModuleNotFoundError", "No module named 'pipes'")
    assert [frame.split(", in ")[-1].split("\n")[0] for frame in body["stackTrace"]] == [
        "handler"
    ]  # no frame of ours


def test_a_module_the_function_ships_under_a_removed_name_is_its_own(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a python3.13 function shipping its own `cgi` (as the legacy-cgi package does)
    files = {
        "cgi.py": "SHIPPED = True\n",
        "app.py": "import cgi\ndef handler(event, context):\n    return cgi.SHIPPED\n",
    }
    name = make_function(files, Runtime="python3.13")

    # WHEN it is invoked THEN its own module is imported
    response, body = invoke_json(lambda_client, name)
    assert (response.get("FunctionError"), body) == (None, True)


def test_newer_syntax_fails_loudly_with_aws_message_and_the_reason(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN python3.12 code using PEP 695's type statement, which this interpreter cannot parse
    name = make_function(
        {"app.py": "type Point = tuple[int, int]\ndef handler(e, c):\n    return 1\n"}, Runtime="python3.12"
    )

    # WHEN it is invoked
    body, notes = _error_and_notes(lambda_client, name)

    # THEN the error is the runtime's syntax error alone; fogbank's note in the function's log names both versions
    assert body["errorType"] == "Runtime.UserCodeSyntaxError"
    assert body["errorMessage"].startswith("Syntax error in module 'app': ")
    assert NEWER_SENTENCE not in body["errorMessage"]
    assert notes == [
        f"{NOTE_PREFIX}Runtime.UserCodeSyntaxError: {NEWER_SENTENCE} python3.12: code that needs python3.12's "
        "syntax or standard library fails here but may run on AWS (docs/local-cloud-lambda.md, Runtimes)."
    ]


@pytest.mark.parametrize(
    ("source", "error_type", "aws_text"),
    [
        ("from itertools import batched\n", "Runtime.ImportModuleError", "Unable to import module 'app': cannot import name 'batched' from 'itertools'"),
        ("import itertools\nitertools.batched\n", "AttributeError", "module 'itertools' has no attribute 'batched'"),
    ],
)  # fmt: skip
def test_a_standard_library_name_added_later_fails_loudly(
    lambda_client: Any, make_function: Callable[..., str], source: str, error_type: str, aws_text: str
) -> None:
    # GIVEN python3.12 code using itertools.batched (new in 3.12)
    name = make_function({"app.py": source + "def handler(e, c):\n    return 1\n"}, Runtime="python3.12")

    # WHEN it is invoked
    body, notes = _error_and_notes(lambda_client, name)

    # THEN the runtime's error is AWS's word for word (a test asserting it passes on both targets), and the
    # function's log says why it fails here
    assert body["errorType"] == error_type
    assert body["errorMessage"].split(" (")[0] == aws_text
    assert len(notes) == 1 and f"{NEWER_SENTENCE} python3.12" in notes[0]


def test_a_missing_third_party_module_gets_no_sentence(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a python3.13 function importing a package it does not ship
    name = make_function(
        {"app.py": "import requests_not_here\ndef handler(e, c):\n    return 1\n"}, Runtime="python3.13"
    )

    # WHEN it is invoked THEN the message is AWS's alone: the version is not the cause
    _, body = _init_error(lambda_client, name)
    assert body["errorMessage"] == "Unable to import module 'app': No module named 'requests_not_here'"


def test_the_cloud_warns_once_per_function_naming_another_version(
    lambda_client: Any, make_function: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a python3.13 function, a python3.11 one and a nodejs function of another major than this machine's
    node_major = "22" if not _node_major_is("22") else "18"
    py313 = make_function({"app.py": "def handler(e, c):\n    return 1\n"}, Runtime="python3.13")
    py311 = make_function({"app.py": "def handler(e, c):\n    return 1\n"}, Runtime=HERE)
    node = make_function(
        {"index.js": "exports.handler = async () => 1;\n"},
        handler="index.handler",
        Runtime=f"nodejs{node_major}.x",
    )

    # WHEN each starts, and the python3.13 one starts again in a new environment (its configuration changed)
    with caplog.at_level(logging.WARNING, logger="fogbank.cloud.lambda_.runtime_versions"):
        for name in (py313, py311, node, py313):
            assert invoke_json(lambda_client, name)[1] == 1
        lambda_client.update_function_configuration(FunctionName=py313, MemorySize=256)
        lambda_client.get_waiter("function_updated_v2").wait(FunctionName=py313)
        assert invoke_json(lambda_client, py313)[1] == 1

    # THEN one warning names the python3.13 function, its runtime, this interpreter and the docs; one names the
    # nodejs function; none names the python3.11 one
    messages = [r.getMessage() for r in caplog.records if r.name == "fogbank.cloud.lambda_.runtime_versions"]
    about = {name: [m for m in messages if f"function {name} " in m] for name in (py313, py311, node)}
    assert [len(about[py313]), len(about[py311]), len(about[node])] == [1, 0, 1]
    assert (
        f"names python3.13, but the local cloud runs it on Python {sys.version.split()[0]}" in about[py313][0]
    )
    assert "cgi" in about[py313][0] and "docs/local-cloud-lambda.md" in about[py313][0]
    assert f"names nodejs{node_major}.x" in about[node][0]


def _node_major_is(major: str) -> bool:
    from fogbank.cloud.lambda_.runtime_versions import host_node_version

    return (host_node_version() or "").split(".")[0] == major


POWERTOOLS_HANDLER = """
    import json
    from aws_lambda_powertools import Logger, Metrics, Tracer
    from aws_lambda_powertools.metrics import MetricUnit
    from aws_lambda_powertools.utilities.typing import LambdaContext

    logger, metrics, tracer = Logger(service="orders"), Metrics(namespace="Orders"), Tracer(service="orders")

    @logger.inject_lambda_context
    @metrics.log_metrics
    @tracer.capture_lambda_handler
    def handler(event, context: LambdaContext):
        metrics.add_metric(name="Placed", unit=MetricUnit.Count, value=1)
        logger.info("placed")
        return "placed"
"""


@pytest.mark.parametrize("runtime", ["python3.12", "python3.13", "python3.14", "python3.10"])
def test_the_runtime_boto3_and_powertools_import_nothing_the_named_version_lacks(
    lambda_client: Any, make_function: Callable[..., str], runtime: str
) -> None:
    # GIVEN a function naming `runtime` with Powertools' Logger, Metrics and Tracer from a layer, and boto3
    layer = lambda_client.publish_layer_version(
        LayerName="powertools", Content={"ZipFile": layer_zip("aws-lambda-powertools", "aws-xray-sdk")}
    )["LayerVersionArn"]
    name = make_function({"app.py": POWERTOOLS_HANDLER}, Runtime=runtime, Layers=[layer], Timeout=30)

    # WHEN it is invoked THEN the runtime client, boto3, the X-Ray SDK and Powertools all load and it runs
    response, body = invoke_json(lambda_client, name)
    assert (response.get("FunctionError"), body) == (None, "placed")


def test_a_layers_site_directory_is_the_named_minors(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a layer with one module in python3.13's site directory and one in this interpreter's
    layer = lambda_client.publish_layer_version(
        LayerName="sites",
        Content={
            "ZipFile": zip_code(
                {
                    "python/lib/python3.13/site-packages/for_313.py": "NAME = '3.13'\n",
                    f"python/lib/{HERE}/site-packages/for_here.py": "NAME = 'here'\n",
                }
            )
        },
    )["LayerVersionArn"]
    source = """
        import importlib.util
        def handler(event, context):
            return [importlib.util.find_spec(name) is not None for name in ("for_313", "for_here")]
    """
    name = make_function({"app.py": source}, Runtime="python3.13", Layers=[layer])

    # WHEN a python3.13 function looks for both THEN only python3.13's is on its path, as on Lambda
    response, body = invoke_json(lambda_client, name)
    assert (response.get("FunctionError"), body) == (None, [True, False])


def _host_extension(tag: str) -> tuple[str, bytes]:
    """The file name of this interpreter's _bisect extension retagged for `tag` ("cpython-313"), and its bytes."""
    real = next(Path(sysconfig.get_config_var("DESTSHARED")).glob("_bisect.*.so"))
    host_tag = f"cpython-{INTERPRETER[0]}{INTERPRETER[1]}"
    return real.name.replace(host_tag, tag), real.read_bytes()


def _create_with_files(lambda_client: Any, role_arn: str, runtime: str, files: dict[str, bytes]) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    name = f"ext-{uuid.uuid4().hex[:10]}"
    lambda_client.create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=role_arn,
        Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()},
    )
    return name


IMPORTS_EXTENSION = (
    b"import fast._bisect\ndef handler(event, context):\n    return fast._bisect.bisect_right([1, 3], 2)\n"
)


@pytest.mark.parametrize(
    ("runtime", "outcome"), [(HERE, 1), ("python3.13", "No module named 'fast._bisect'")]
)
def test_an_extension_built_for_this_interpreter_loads_only_in_a_function_naming_its_minor(
    lambda_client: Any, role_arn: str, runtime: str, outcome: object
) -> None:
    # GIVEN a package whose native extension is built for this interpreter's CPython (a real one: _bisect)
    file_name, data = _host_extension(f"cpython-{INTERPRETER[0]}{INTERPRETER[1]}")
    files = {"app.py": IMPORTS_EXTENSION, "fast/__init__.py": b"", f"fast/{file_name}": data}
    name = _create_with_files(lambda_client, role_arn, runtime, files)

    # WHEN a function naming `runtime` imports it
    _, body = invoke_json(lambda_client, name)

    # THEN this interpreter's minor loads it; python3.13 does not find it, as on Lambda, word for word
    if isinstance(outcome, int):
        assert body == outcome
    else:
        assert body["errorMessage"] == f"Unable to import module 'app': {outcome}"


def test_an_extension_built_for_the_named_minor_is_refused_saying_why(
    lambda_client: Any, role_arn: str
) -> None:
    # GIVEN a python3.13 function shipping an extension built for CPython 3.13
    file_name, data = _host_extension("cpython-313")
    files = {"app.py": IMPORTS_EXTENSION, "fast/__init__.py": b"", f"fast/{file_name}": data}
    name = _create_with_files(lambda_client, role_arn, "python3.13", files)

    # WHEN it is invoked
    _, body = invoke_json(lambda_client, name)

    # THEN the import fails loudly: found as on Lambda, but this interpreter cannot load it, and the error says so
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert (
        "is a native extension built for python3.13, the function's runtime, but this machine runs"
        in (body["errorMessage"])
    )


def test_a_module_an_older_named_minor_still_has_fails_loudly(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a python3.10 function importing binhex (removed in 3.11, so this interpreter lacks it)
    name = make_function(
        {"app.py": "import binhex\ndef handler(e, c):\n    return 1\n"}, Runtime="python3.10"
    )

    # WHEN it is invoked THEN, as AWS would raise nothing, the error's text is followed by ". " and the sentence
    body, notes = _error_and_notes(lambda_client, name)
    assert body["errorMessage"].startswith("Unable to import module 'app': No module named 'binhex'. ")
    assert f"{NEWER_SENTENCE} python3.10" in body["errorMessage"]
    assert len(notes) == 1


def test_a_handlers_own_error_on_a_newer_stdlib_attribute_says_why(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a python3.12 handler that calls itertools.batched (new in 3.12) when it runs
    source = "import itertools\ndef handler(e, c):\n    return list(itertools.batched([1, 2], 1))\n"
    name = make_function({"app.py": source}, Runtime="python3.12")

    # WHEN it is invoked THEN its error is Python's alone and the function's log has the note
    body, notes = _error_and_notes(lambda_client, name)
    assert (body["errorType"], body["errorMessage"]) == (
        "AttributeError",
        "module 'itertools' has no attribute 'batched'",
    )
    assert len(notes) == 1 and f"{NEWER_SENTENCE} python3.12" in notes[0]


def test_an_error_aws_raises_too_keeps_aws_message_exactly(
    lambda_client: Any, make_function: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a python3.12 handler with a typo in a standard-library name (AWS raises the same AttributeError)
    name = make_function(
        {"app.py": "import json\ndef handler(e, c):\n    return json.loadz('1')\n"}, Runtime="python3.12"
    )

    # WHEN it is invoked
    with caplog.at_level(logging.WARNING, logger="fogbank.cloud.lambda_.invoke"):
        body, notes = _error_and_notes(lambda_client, name)

    # THEN errorMessage is exactly AWS's; the possible cause is noted in the function's log and the cloud's
    assert body["errorMessage"] == "module 'json' has no attribute 'loadz'"
    assert len(notes) == 1
    cloud = [r.getMessage() for r in caplog.records if r.name == "fogbank.cloud.lambda_.invoke"]
    assert any(line.startswith(f"function {name}: AttributeError: {NEWER_SENTENCE}") for line in cloud)


FORWARD_REFERENCE = """
    class Order:
        def total(self) -> Money:
            return Money()

    class Money:
        pass

    def handler(event, context):
        return type(Order().total()).__name__
"""


@pytest.mark.parametrize(("runtime", "explained"), [("python3.14", True), ("python3.13", False)])
def test_an_annotation_naming_a_later_class_fails_loudly_where_the_named_version_would_defer_it(
    lambda_client: Any, make_function: Callable[..., str], runtime: str, explained: bool
) -> None:
    # GIVEN code whose annotation names a class defined later (fine on 3.14, PEP 649; a NameError before)
    name = make_function({"app.py": FORWARD_REFERENCE}, Runtime=runtime)

    # WHEN it is invoked
    body, notes = _error_and_notes(lambda_client, name)

    # THEN it fails here with Python's NameError; the sentence is added only where AWS would run it (3.14)
    assert body["errorType"] == "NameError"
    assert body["errorMessage"].startswith("name 'Money' is not defined")
    assert ("evaluates annotations at once" in body["errorMessage"]) is explained
    assert len(notes) == int(explained)


@pytest.mark.parametrize(
    "source",
    ["def handler(e, c):\n    total: int = undefined_total\n    return total\n",
     "def handler(e, c, x=undefined_default):\n    return x\n"],
)  # fmt: skip
def test_a_name_error_python_3_14_raises_too_keeps_its_message(
    lambda_client: Any, make_function: Callable[..., str], source: str
) -> None:
    # GIVEN a python3.14 handler whose NameError is in a local annotated value or a default (3.14 evaluates both)
    name = make_function({"app.py": source}, Runtime="python3.14")

    # WHEN it is invoked THEN the error is Python's alone, with no note
    body, notes = _error_and_notes(lambda_client, name)
    assert body["errorType"] == "NameError"
    assert body["errorMessage"] in (
        "name 'undefined_total' is not defined",
        "name 'undefined_default' is not defined",
    )
    assert notes == []
