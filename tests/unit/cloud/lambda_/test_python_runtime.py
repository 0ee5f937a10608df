"""The Python runtime directory workers see: the runtime client, the AWS SDK and fogbank's boot modules only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fogbank.cloud.lambda_ import python_runtime
from fogbank.cloud.lambda_.python_runtime import BOOT_MODULE, ZYGOTE_MODULE, build_runtime_dir
from fogbank.errors import CloudError


def test_the_directory_links_the_runtime_and_fogbanks_modules_once(tmp_path: Path) -> None:
    # WHEN the runtime directory is built twice
    runtime = build_runtime_dir(tmp_path)
    again = build_runtime_dir(tmp_path)

    # THEN it is <state>/runtime/python, with the runtime client, boto3 and the worker's own modules, as links
    assert runtime == again == tmp_path / "runtime" / "python"
    names = {path.name for path in runtime.iterdir()}
    assert {
        "awslambdaric",
        "boto3",
        "botocore",
        f"{BOOT_MODULE}.py",
        f"{ZYGOTE_MODULE}.py",
        ".complete",
    } <= names
    assert (runtime / "fogbank_connection_shim.py").resolve().name == "shim.py"
    assert all((runtime / name).is_symlink() for name in names - {".complete"})
    # AND fogbank itself is not there: a function cannot import the cloud's own package
    assert "fogbank" not in names


def test_an_interpreter_on_it_alone_imports_boto3_but_not_fogbank(tmp_path: Path) -> None:
    # GIVEN the directory as the only path of an interpreter without site-packages, as workers run
    runtime = build_runtime_dir(tmp_path)
    probe = (
        "import boto3, awslambdaric\ntry:\n    import fogbank\nexcept ImportError:\n    print('isolated')\n"
    )
    # WHEN it imports THEN boto3 and the runtime client are there, and fogbank is not
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        env={"PYTHONPATH": str(runtime)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "isolated"


def test_a_missing_runtime_package_says_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a runtime that needs a package this environment lacks
    monkeypatch.setattr(python_runtime, "RUNTIME_DISTRIBUTIONS", ("no-such-runtime-package",))
    # WHEN the directory is built THEN the error names the package and the next step
    with pytest.raises(CloudError, match=r"needs the package no-such-runtime-package.*make install"):
        build_runtime_dir(tmp_path)


LAMBDA_MINORS = [(3, number) for number in range(9, 15)]


@pytest.mark.parametrize("minor", LAMBDA_MINORS, ids=[f"3.{m[1]}" for m in LAMBDA_MINORS])
def test_fogbanks_runtime_modules_import_on_every_lambda_minor_this_machine_has(
    tmp_path: Path, minor: tuple[int, int]
) -> None:
    # GIVEN this machine's CPython of a Lambda minor, and the runtime directory's fogbank modules
    from fogbank.cloud.lambda_.interpreters import find_interpreter

    interpreter = find_interpreter(minor).interpreter
    if interpreter is None:
        pytest.skip(f"this machine has no CPython {minor[0]}.{minor[1]}")
    runtime = build_runtime_dir(tmp_path)

    # WHEN that interpreter imports them (the zygote module only compiles: it imports the runtime client)
    modules = sorted(path.stem for path in runtime.glob("fogbank_*.py") if path.stem != ZYGOTE_MODULE)
    assert BOOT_MODULE in modules
    code = (
        f"import {', '.join(modules)}; "
        f"compile(open({str(runtime / (ZYGOTE_MODULE + '.py'))!r}).read(), 'z', 'exec')"
    )
    done = subprocess.run(
        [str(interpreter.executable), "-S", "-c", code],
        env={"PYTHONPATH": str(runtime)},
        capture_output=True,
        text=True,
        check=False,
    )

    # THEN they import: standard library only, and no syntax newer than 3.9
    assert done.returncode == 0, done.stderr
