"""The code store: a function's zip and its layers unpacked once, bad archives rejected."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from pathlib import Path

import pytest

from fogbank.cloud.aws_state.lambda_ import FunctionSpec, LayerSpec
from fogbank.cloud.lambda_.code import CodeStore
from fogbank.cloud.lambda_.errors import LambdaApiError


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _spec(code: bytes, layers: tuple[LayerSpec, ...] = ()) -> FunctionSpec:
    sha = hashlib.sha256(code).hexdigest()
    return FunctionSpec("f", "arn:f", "$LATEST", "python3.11", "app.handler", "Zip", sha, code, layers=layers)


def test_code_store_unpacks_code_and_layers_once(tmp_path: Path) -> None:
    # GIVEN a function with two layers, the second overriding a file of the first
    layers = (
        LayerSpec("arn:l1", "s1", _zip({"python/a.py": "first", "python/b.py": "b"})),
        LayerSpec("arn:l2", "s2", _zip({"python/a.py": "second"})),
    )
    store = CodeStore(tmp_path)

    # WHEN it is prepared twice
    task_root, opt_dir = store.prepare(_spec(_zip({"app.py": "code"}), layers))
    again = store.prepare(_spec(_zip({"app.py": "code"}), layers))

    # THEN code and layers are unpacked, later layers win, and the second call reuses the directories
    assert (task_root / "app.py").read_text() == "code"
    assert (opt_dir / "python" / "a.py").read_text() == "second"
    assert (opt_dir / "python" / "b.py").read_text() == "b"
    assert again == (task_root, opt_dir)


def test_code_store_rejects_a_bad_zip(tmp_path: Path) -> None:
    # WHEN the code is not a zip
    with pytest.raises(LambdaApiError) as raised:
        CodeStore(tmp_path).prepare(_spec(b"not a zip"))

    # THEN the error names the function and what to do
    assert raised.value.code == "InvalidParameterValueException"
    assert "arn:f" in raised.value.message and "UpdateFunctionCode" in raised.value.message


def test_unpacked_files_keep_their_modification_time_from_the_zip(tmp_path: Path) -> None:
    # GIVEN a layer whose .zip dates a module 2021-03-04 05:06:08 (as Lambda keeps it, so shipped .pyc stay valid)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("python/mod.py", date_time=(2021, 3, 4, 5, 6, 8)), "X = 1\n")
    layers = (LayerSpec("arn:l1", "s1", buffer.getvalue()),)

    # WHEN it is unpacked
    _, opt_dir = CodeStore(tmp_path).prepare(_spec(_zip({"app.py": "code"}), layers))

    # THEN the file carries the .zip's time, not the time of unpacking
    expected = time.mktime((2021, 3, 4, 5, 6, 8, 0, 0, -1))
    assert (opt_dir / "python" / "mod.py").stat().st_mtime == expected
