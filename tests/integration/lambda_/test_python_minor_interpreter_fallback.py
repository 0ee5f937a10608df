"""python3.X functions in clouds of their own: a second interpreter's zygote ends with the cloud, and without
the interpreter (or with FOGBANK_PYTHON_3_X set otherwise) the function is emulated or refused, as documented
(interpreters.py). One LocalCloud per process: each test starts its own."""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError
from test_python_minor_interpreters import NEEDS_313, VERSION_HANDLER

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER
from lambda_support import ROLE_POLICY, invoke_json, zip_code


@NEEDS_313
def test_stopping_the_cloud_ends_the_second_interpreters_zygote_and_environments() -> None:
    # GIVEN a cloud that ran a python3.13 function (forked by a python3.13 zygote) and a python3.11 one
    with LocalCloud() as cloud:
        client = cloud.client("lambda")
        role = cloud.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
        pids: dict[str, list[int]] = {}
        for runtime in ("python3.13", f"python{INTERPRETER[0]}.{INTERPRETER[1]}"):
            client.create_function(
                FunctionName=runtime.replace(".", "-"), Runtime=runtime, Role=role["Role"]["Arn"],
                Handler="app.handler", Code={"ZipFile": zip_code({"app.py": VERSION_HANDLER})},
            )  # fmt: skip
            pids[runtime] = invoke_json(client, runtime.replace(".", "-"))[1]["pids"]
        environment, zygote = pids["python3.13"]
        assert zygote != pids[f"python{INTERPRETER[0]}.{INTERPRETER[1]}"][1]  # its own zygote
        assert os.path.realpath(f"/proc/{zygote}/exe").endswith("python3.13")

    # WHEN the cloud has stopped THEN the python3.13 zygote and its environment are gone
    for pid in (environment, zygote):
        assert not _alive(pid), f"process {pid} outlived the cloud"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


VERSION_SOURCE = "import sys\ndef handler(e, c):\n    return list(sys.version_info[:2])\n"


def _invoke_python_3_13_function(caplog: pytest.LogCaptureFixture) -> tuple[Any, list[str]]:
    """In a cloud of its own: (the body of a python3.13 function's answer or the ClientError, the warnings about
    it)."""
    with LocalCloud() as cloud, caplog.at_level(logging.WARNING):
        client = cloud.client("lambda")
        role = cloud.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
        client.create_function(
            FunctionName="f", Runtime="python3.13", Role=role["Role"]["Arn"], Handler="app.handler",
            Code={"ZipFile": zip_code({"app.py": VERSION_SOURCE})},
        )  # fmt: skip
        try:
            answer: Any = invoke_json(client, "f")[1]
        except ClientError as exc:
            answer = exc
    warnings = [r.getMessage() for r in caplog.records if "function f names python3.13" in r.getMessage()]
    return answer, warnings


@NEEDS_313
def test_emulate_runs_the_function_on_the_clouds_interpreter_saying_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN FOGBANK_PYTHON_3_13=emulate on a machine that has CPython 3.13
    monkeypatch.setenv("FOGBANK_PYTHON_3_13", "emulate")

    # WHEN a python3.13 function is invoked
    answer, warnings = _invoke_python_3_13_function(caplog)

    # THEN it runs on the cloud's interpreter, and the warning says so and what asked for it
    assert answer == list(INTERPRETER)
    assert len(warnings) == 1 and "FOGBANK_PYTHON_3_13=emulate asks for this" in warnings[0]


def test_an_interpreter_set_but_missing_is_an_error_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN FOGBANK_PYTHON_3_13 naming an interpreter that does not exist
    if INTERPRETER == (3, 13):
        pytest.skip("the cloud's own minor is 3.13")
    monkeypatch.setenv("FOGBANK_PYTHON_3_13", "/nonexistent/python3.13")

    # WHEN a python3.13 function is invoked
    answer, _ = _invoke_python_3_13_function(caplog)

    # THEN it does not start: the error names the setting, why, and the next steps (no silent fallback)
    assert isinstance(answer, ClientError) and answer.response["Error"]["Code"] == "ServiceException"
    message = answer.response["Error"]["Message"]
    assert "FOGBANK_PYTHON_3_13=/nonexistent/python3.13: no such executable file" in message
    assert "or to `emulate`" in message


def test_a_minor_this_machine_lacks_is_emulated_with_the_way_to_provide_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Any
) -> None:
    # GIVEN a machine where no CPython 3.13 is found: nothing on PATH, no pyenv or uv versions
    if INTERPRETER == (3, 13):
        pytest.skip("the cloud's own minor is 3.13")
    for variable, value in (("PATH", os.path.dirname(sys.executable)), ("PYENV_ROOT", str(tmp_path))):
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path))
    monkeypatch.delenv("FOGBANK_PYTHON_3_13", raising=False)

    # WHEN a python3.13 function is invoked
    answer, warnings = _invoke_python_3_13_function(caplog)

    # THEN it runs on the cloud's interpreter (emulated), and the warning says how to provide 3.13
    assert answer == list(INTERPRETER)
    assert len(warnings) == 1
    assert "no CPython 3.13 was found on this machine" in warnings[0]
    assert "FOGBANK_PYTHON_3_13" in warnings[0] and "uv python install 3.13" in warnings[0]


@NEEDS_313
def test_without_the_zygote_a_python_3_13_function_runs_on_python_3_13_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a cloud whose environments start as new interpreters (FOGBANK_LAMBDA_ZYGOTE=0)
    monkeypatch.setenv("FOGBANK_LAMBDA_ZYGOTE", "0")
    with LocalCloud() as cloud:
        client = cloud.client("lambda")
        role = cloud.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
        source = "import cgi\n" + VERSION_SOURCE
        for name, code in (("version", VERSION_SOURCE), ("cgi", source)):
            client.create_function(
                FunctionName=name, Runtime="python3.13", Role=role["Role"]["Arn"], Handler="app.handler",
                Code={"ZipFile": zip_code({"app.py": code})},
            )  # fmt: skip

        # WHEN a python3.13 function reports its version, and another imports cgi
        version, cgi = invoke_json(client, "version")[1], invoke_json(client, "cgi")[1]

    # THEN the first runs on 3.13; the second fails as on AWS (3.13 has no cgi)
    assert version == [3, 13]
    assert cgi["errorMessage"] == "Unable to import module 'app': No module named 'cgi'"
