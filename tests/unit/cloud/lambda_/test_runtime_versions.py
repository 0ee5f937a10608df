"""The cloud's once-per-function warning about the language version (fogbank.cloud.lambda_.runtime_versions)."""

from __future__ import annotations

import logging
import platform

import pytest

from fogbank.cloud.lambda_.runtime_versions import VersionWarnings, host_node_version, version_warning
from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER

HERE = f"python{INTERPRETER[0]}.{INTERPRETER[1]}"


def test_a_newer_python_names_function_runtime_interpreter_what_is_emulated_and_the_docs() -> None:
    # GIVEN a function naming a newer Python than this interpreter WHEN its warning is made
    warning = version_warning("orders", "python3.99", node_version=lambda: None)

    # THEN it names the function, its runtime and this interpreter, what is hidden, what is not, and the docs
    assert warning is not None
    assert warning.startswith(
        f"function orders names python3.99, but the local cloud runs it on Python {platform.python_version()}."
    )
    assert (
        "cgi" in warning and "distutils" in warning and "PEP 695" in warning and "sys.version_info" in warning
    )
    assert warning.endswith("(docs/local-cloud-lambda.md, Runtimes)")


def test_an_older_python_says_what_still_works_here() -> None:
    # GIVEN a function naming an older Python WHEN its warning is made
    warning = version_warning("orders", "python3.9", node_version=lambda: None)

    # THEN it lists the modules added since (hidden) and says newer code still runs here
    assert (
        warning is not None and "tomllib" in warning and "still work here though they fail on AWS" in warning
    )


@pytest.mark.parametrize("runtime", [HERE, "provided.al2023", "java21", ""])
def test_no_warning_where_this_machine_runs_the_named_version_or_it_is_not_python_or_node(
    runtime: str,
) -> None:
    # GIVEN the interpreter's own minor or a runtime that is neither Python nor Node.js WHEN asked THEN no warning
    assert version_warning("f", runtime, node_version=lambda: "20.1.0") is None


def test_nodejs_is_warned_about_when_the_major_differs() -> None:
    # GIVEN this machine's Node.js 20 WHEN nodejs22.x and nodejs20.x functions are checked
    warning = version_warning("api", "nodejs22.x", node_version=lambda: "20.20.2")
    same = version_warning("api", "nodejs20.x", node_version=lambda: "20.20.2")

    # THEN only the other major is warned about, naming both versions
    assert warning is not None and "names nodejs22.x" in warning and "Node.js 20.20.2" in warning
    assert same is None
    # AND without node on this machine there is nothing to compare (the launch says node is missing)
    assert version_warning("api", "nodejs22.x", node_version=lambda: None) is None


def test_host_node_version_reads_node() -> None:
    # GIVEN this machine's node (CI installs it) WHEN its version is read THEN it is a dotted version
    version = host_node_version()
    assert version is not None and version.split(".")[0].isdigit()


def test_each_function_is_warned_about_once(caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN the cloud's warnings
    warnings = VersionWarnings(node_version=lambda: "20.0.0")

    # WHEN functions start several times (new environments)
    with caplog.at_level(logging.WARNING, logger="fogbank.cloud.lambda_.runtime_versions"):
        for arn, name, runtime in [("arn:a", "a", "python3.13"), ("arn:a", "a", "python3.13"), ("arn:b", "b", HERE),
                                   ("arn:c", "c", "nodejs22.x"), ("arn:c", "c", "nodejs22.x"), ("arn:a", "a", "python3.12")]:  # fmt: skip
            warnings.tell(arn, name, runtime)

    # THEN each function (and runtime it was changed to) is warned about once; b not at all
    told = [record.getMessage().split(" names ")[0] for record in caplog.records]
    assert told == ["function a", "function c", "function a"]


def test_a_function_run_on_the_minor_it_names_gets_no_warning_and_an_emulated_one_says_why() -> None:
    # GIVEN a python3.13 function run on CPython 3.13, and one run on this interpreter with a reason
    on_its_own = version_warning("f", "python3.13", node_version=lambda: None, runs_on=(3, 13))
    emulated = version_warning("f", "python3.13", node_version=lambda: None, hint="no CPython 3.13 was found")

    # WHEN the cloud words their warnings THEN the first has none, the second ends with why not on 3.13
    assert on_its_own is None
    assert emulated is not None and emulated.endswith(". Why not on CPython 3.13: no CPython 3.13 was found")
