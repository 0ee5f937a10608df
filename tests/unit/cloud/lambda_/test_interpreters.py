"""Discovery of a python3.X function's interpreter (interpreters.py), on this machine's real interpreters: the
candidates are links to them in temporary PATH, pyenv and uv directories."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.interpreters import Interpreters, find_interpreter, this_interpreter
from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER
from fogbank.errors import CloudError

OTHER = (3, 13) if INTERPRETER != (3, 13) else (3, 12)
NAME = f"python{OTHER[0]}.{OTHER[1]}"
REAL = find_interpreter(OTHER).interpreter
pytestmark = pytest.mark.skipif(REAL is None, reason=f"this machine has no CPython {OTHER[0]}.{OTHER[1]}")


def _link(directory: Path, target: Path | str, name: str = NAME) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).symlink_to(target)
    return directory / name


def _empty(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment that finds nothing but what a test adds."""
    return {"HOME": str(tmp_path / "home"), "PATH": str(tmp_path / "nothing"), **extra}


def test_the_explicit_setting_wins_and_the_real_executable_is_named(tmp_path: Path) -> None:
    # GIVEN a link to the interpreter named by FOGBANK_PYTHON_3_X, and another on PATH
    assert REAL is not None
    explicit = _link(tmp_path / "explicit", REAL.executable)
    _link(tmp_path / "bin", REAL.executable)
    environ = _empty(
        tmp_path, PATH=str(tmp_path / "bin"), **{f"FOGBANK_PYTHON_{OTHER[0]}_{OTHER[1]}": str(explicit)}
    )

    # WHEN the minor is searched for
    found = find_interpreter(OTHER, environ=environ)

    # THEN the setting's interpreter is used, named by its real path, of its minor
    assert found.interpreter is not None
    assert (found.interpreter.how, found.interpreter.minor) == (
        f"FOGBANK_PYTHON_{OTHER[0]}_{OTHER[1]}",
        OTHER,
    )
    assert found.interpreter.executable == Path(os.path.realpath(REAL.executable))


def test_shims_are_skipped_and_pyenv_then_uv_versions_are_found_newest_first(tmp_path: Path) -> None:
    # GIVEN a pyenv shim on PATH (a script that fails), two pyenv versions and a uv one
    assert REAL is not None
    shim = _link(tmp_path / "shims", "/bin/false")
    _link(tmp_path / "pyenv" / "versions" / f"{OTHER[0]}.{OTHER[1]}.1" / "bin", "/bin/false")
    _link(tmp_path / "pyenv" / "versions" / f"{OTHER[0]}.{OTHER[1]}.0" / "bin", REAL.executable)
    _link(tmp_path / "pyenv" / "versions" / f"{OTHER[0]}.{OTHER[1]}.0t" / "bin", REAL.executable)
    environ = _empty(tmp_path, PATH=str(shim.parent), PYENV_ROOT=str(tmp_path / "pyenv"))

    # WHEN the minor is searched for
    found = find_interpreter(OTHER, environ=environ)

    # THEN the shim was not tried; the newest pyenv version was tried and refused, the next one used
    assert found.interpreter is not None and found.interpreter.how == "pyenv"
    assert [why.split(": ", 1)[1] for why in found.tried] == [
        "it did not run as a Python interpreter (`python -I -S -c ...` failed)"
    ]
    # AND with pyenv empty, uv's managed version is found
    uv = tmp_path / "uv"
    machine = {"arm64": "aarch64"}.get(os.uname().machine, os.uname().machine)
    _link(uv / f"cpython-{OTHER[0]}.{OTHER[1]}.0-linux-{machine}-gnu" / "bin", REAL.executable)
    found = find_interpreter(OTHER, environ=_empty(tmp_path, UV_PYTHON_INSTALL_DIR=str(uv)))
    assert found.interpreter is not None and found.interpreter.how == "uv"


def test_another_minor_or_architecture_does_not_qualify(tmp_path: Path) -> None:
    # GIVEN the cloud's own interpreter under the other minor's name on PATH
    _link(tmp_path / "bin", sys.executable)
    environ = _empty(tmp_path, PATH=str(tmp_path / "bin"))

    # WHEN the minor is searched for THEN nothing qualifies, and why is said
    found = find_interpreter(OTHER, environ=environ)
    assert found.interpreter is None
    assert found.tried == [
        f"{tmp_path / 'bin' / NAME}: it is Python {INTERPRETER[0]}.{INTERPRETER[1]}, not {OTHER[0]}.{OTHER[1]}"
    ]
    # AND the right minor for another architecture does not qualify either
    assert REAL is not None
    environ = _empty(tmp_path, **{f"FOGBANK_PYTHON_{OTHER[0]}_{OTHER[1]}": str(REAL.executable)})
    other_machine = "arm64" if os.uname().machine == "x86_64" else "x86_64"
    assert "not this machine's" in (
        find_interpreter(OTHER, environ=environ, machine=other_machine).error or ""
    )


def test_a_setting_naming_what_does_not_qualify_is_an_error_and_emulate_skips_the_search(
    tmp_path: Path,
) -> None:
    # GIVEN FOGBANK_PYTHON_3_X naming a missing file, and then `emulate`
    variable = f"FOGBANK_PYTHON_{OTHER[0]}_{OTHER[1]}"
    missing = Interpreters(_empty(tmp_path, **{variable: str(tmp_path / "missing")}))
    emulated = Interpreters(_empty(tmp_path, PATH=os.environ["PATH"], **{variable: "emulate"}))

    # WHEN the cloud asks for the minor's interpreter
    # THEN the first is an error naming the setting and the next step; the second is the emulation (None)
    with pytest.raises(CloudError, match=rf"{variable}=.*missing: no such executable file; set {variable}"):
        missing.interpreter_for(OTHER)
    assert emulated.interpreter_for(OTHER) is None
    assert emulated.search(OTHER).emulate
    # AND the cloud's own minor is always the cloud's interpreter
    assert emulated.interpreter_for(INTERPRETER) is not None


def test_each_interpreter_reports_its_own_shared_library_directory() -> None:
    # GIVEN another minor's CPython on this machine
    # WHEN it is searched for (its probe runs it once)
    found = find_interpreter(OTHER).interpreter

    # THEN the library directory it reports is its own: the one holding its libpython3.X (None: it has no shared
    # one), never the cloud's interpreter's
    assert found is not None
    if found.library_dir is not None:
        assert list(found.library_dir.glob(f"libpython{OTHER[0]}.{OTHER[1]}*.so*"))
        assert found.library_dir != this_interpreter().library_dir
