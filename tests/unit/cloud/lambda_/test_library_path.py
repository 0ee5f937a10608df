"""LD_LIBRARY_PATH as on Lambda: the value each runtime's environment gets, the zygote's slots, and when a Python
environment is exec'd so that its loader reads the variable (tests/integration/lambda_/test_library_path.py
loads real libraries through the local cloud)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.lambda_.interpreters import Interpreter
from fogbank.cloud.lambda_.launch import plan_launch
from fogbank.cloud.lambda_.library_path import (
    LAMBDA_LIBRARY_PATH,
    interpreter_library_dir,
    lambda_library_path,
    loader_subdirectories,
    ships_libraries,
    system_library_dirs,
    zygote_library_path,
)
from fogbank.cloud.lambda_.sandbox import LIBRARY_PATH_SLOTS, library_path_slot_dir

SPEC = FunctionSpec(
    "native",
    "arn:aws:lambda:us-east-1:123456789012:function:native",
    "$LATEST",
    "python3.11",
    "app.handler",
    "Zip",
    "sha",
    b"",
)


def _plan(spec: FunctionSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **options: object):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("fogbank.cloud.lambda_.launch.ensure_node_runtime", lambda: tmp_path / "sdk")
    (tmp_path / "task").mkdir(exist_ok=True)
    (tmp_path / "task" / "bootstrap").write_text("#!/bin/sh\n")
    (tmp_path / "task" / "bootstrap").chmod(0o755)
    (tmp_path / "opt").mkdir(exist_ok=True)
    return plan_launch(
        spec,
        tmp_path / "task",
        tmp_path / "opt",
        cloud_env={},
        xray_daemon="127.0.0.1:2000",
        runtime_dir=tmp_path / "runtime",
        **options,  # type: ignore[arg-type]
    )


def _without_system_dirs(value: str) -> str:
    return value.replace("".join(f":{path}" for path in system_library_dirs()), "", 1)


@pytest.mark.parametrize(
    ("runtime", "handler"),
    [("python3.11", "app.handler"), ("nodejs20.x", "index.handler"), ("provided.al2023", "x")],
)
def test_every_runtime_gets_lambdas_library_path_at_var_task_and_opt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runtime: str, handler: str
) -> None:
    # GIVEN a function of each kind of runtime, in an environment that shows its code and layers where AWS does
    spec = replace(SPEC, runtime=runtime, handler=handler)

    # WHEN its launch is planned
    launch = _plan(spec, tmp_path, monkeypatch, opt_mounted=True, task_mounted=True)

    # THEN LD_LIBRARY_PATH is Lambda's (with this machine's system directories, if elsewhere, after /usr/lib64)
    assert _without_system_dirs(launch.env["LD_LIBRARY_PATH"]) == LAMBDA_LIBRARY_PATH
    # AND a forked Python environment's loader searches it as it is (the zygote's slots): no exec needed
    assert not launch.own_loader


def test_at_host_paths_the_library_path_names_them_and_libraries_there_need_their_own_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a machine without namespaces: code and layers at their host paths
    # WHEN a Python function without libraries, then one whose layers ship lib/, is planned
    plain = _plan(SPEC, tmp_path, monkeypatch)
    (tmp_path / "opt" / "lib").mkdir()
    shipping = _plan(SPEC, tmp_path, monkeypatch)

    # THEN the value names the host paths in Lambda's order, and the interpreter's libpython directory first
    entries = plain.env["LD_LIBRARY_PATH"].split(os.pathsep)
    assert entries[-3:] == [
        str(tmp_path / "task"),
        str(tmp_path / "task" / "lib"),
        str(tmp_path / "opt" / "lib"),
    ]
    assert entries[0] == (interpreter_library_dir() or "/var/lang/lib")
    # AND only the one that ships libraries is exec'd rather than forked (the zygote's slots name /var/task, /opt)
    assert not plain.own_loader and shipping.own_loader


def test_a_functions_own_library_path_replaces_lambdas_and_python_gets_its_own_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN functions that set LD_LIBRARY_PATH themselves (not a reserved key on AWS)
    own = {"LD_LIBRARY_PATH": "/var/task/mylibs"}

    # WHEN a Python and a Node.js one are planned
    python = _plan(replace(SPEC, environment=own), tmp_path, monkeypatch, opt_mounted=True, task_mounted=True)
    node = _plan(
        replace(SPEC, environment=own, runtime="nodejs20.x", handler="index.handler"),
        tmp_path,
        monkeypatch,
        opt_mounted=True,
        task_mounted=True,
    )

    # THEN each gets its own value; the Python one is exec'd so that its loader reads it (Node.js always is)
    assert python.env["LD_LIBRARY_PATH"] == node.env["LD_LIBRARY_PATH"] == "/var/task/mylibs"
    assert python.own_loader and not node.own_loader


@pytest.mark.parametrize("variable", ["LD_PRELOAD", "LD_BIND_NOW", "GLIBC_TUNABLES", "MALLOC_ARENA_MAX"])
def test_a_variable_the_loader_reads_at_start_gets_a_python_function_its_own_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    # GIVEN a Python function that sets a variable the loader or the C library reads as a process starts
    spec = replace(SPEC, environment={variable: "1"})

    # WHEN it is planned where the slots would serve its LD_LIBRARY_PATH
    launch = _plan(spec, tmp_path, monkeypatch, opt_mounted=True, task_mounted=True)

    # THEN it is exec'd all the same (a forked one would ignore the variable), and keeps Lambda's list
    assert launch.own_loader and launch.env[variable] == "1"
    assert _without_system_dirs(launch.env["LD_LIBRARY_PATH"]) == LAMBDA_LIBRARY_PATH


def test_the_zygotes_list_is_lambdas_with_slots_that_exist(tmp_path: Path) -> None:
    # GIVEN a cloud's Lambda state directory
    # WHEN the zygote's LD_LIBRARY_PATH is made
    value = zygote_library_path(tmp_path)

    # THEN it has the entries of an environment's, in the same order, /var/task, /var/task/lib and /opt/lib as
    # slots that exist (the loader remembers a missing directory as missing for good)
    slots = Path(library_path_slot_dir(str(tmp_path)))
    expected = lambda_library_path(Path("/var/task"), Path("/opt"), var_lang=False).split(os.pathsep)
    for name, target in LIBRARY_PATH_SLOTS:
        expected[expected.index(target)] = str(slots / name)
        # AND so are the subdirectories the loader searches in each (glibc-hwcaps/x86-64-v3, ...), with no file
        assert all((slots / name / sub).is_dir() for sub in ("", *loader_subdirectories()))
        assert not [path for path in (slots / name).rglob("*") if not path.is_dir()]
    assert value.split(os.pathsep) == expected


def test_ships_libraries_looks_for_lib_directories_and_shared_objects_at_the_code_root(
    tmp_path: Path,
) -> None:
    # GIVEN code and layers without libraries
    task, opt = tmp_path / "task", tmp_path / "opt"
    task.mkdir()
    opt.mkdir()
    (task / "app.py").write_text("")
    assert not ships_libraries(task, opt)
    # WHEN the code's root holds a shared object THEN it ships libraries
    (task / "libfoo.so.1").write_bytes(b"")
    assert ships_libraries(task, opt)


def test_another_interpreters_lists_name_its_own_library_directory_first(tmp_path: Path) -> None:
    # GIVEN another minor's interpreter whose shared libpython is in its own prefix (a conda-style build)
    conda_lib = tmp_path / "conda" / "lib"
    conda_lib.mkdir(parents=True)
    other = Interpreter(
        tmp_path / "conda" / "bin" / "python3.13",
        (3, 13),
        tmp_path / "conda",
        "3.13.0",
        "cpython-313",
        "test",
        library_dir=conda_lib,
    )

    # WHEN its zygote's list, and an environment's list where no /var/lang is shown, are made
    zygote = zygote_library_path(tmp_path / "state", other).split(os.pathsep)
    plain = lambda_library_path(Path("/task"), Path("/opt"), var_lang=False, interpreter=other).split(
        os.pathsep
    )
    mounted = lambda_library_path(Path("/var/task"), Path("/opt"), interpreter=other).split(os.pathsep)

    # THEN each names that interpreter's library directory first, not the cloud's interpreter's; where /var/lang
    # is shown, /var/lang/lib (which links that interpreter's libpython) as on Lambda
    assert zygote[0] == plain[0] == str(conda_lib)
    assert str(conda_lib) not in zygote[1:] and (interpreter_library_dir() or "") not in zygote
    assert mounted[0] == "/var/lang/lib"
