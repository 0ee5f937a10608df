"""A layer folder as a reproducible zip: same files, same bytes, same hash."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from fogbank.errors import LayerBuildError
from fogbank.layer_release.archive import zip_layer


def make_layer(folder: Path) -> Path:
    (folder / "python" / "lib").mkdir(parents=True)
    (folder / "python" / "lib" / "__init__.py").write_text("VERSION = '1'\n")
    (folder / "python" / "a.py").write_text("x = 1\n")
    (folder / "bin").mkdir()
    (folder / "bin" / "tool").write_text("#!/bin/sh\n")
    (folder / "bin" / "tool").chmod(0o755)
    return folder


def test_the_same_files_give_the_same_bytes_whatever_their_times_and_creation_order(tmp_path: Path) -> None:
    # GIVEN two copies of a layer, the second with other modification times
    first = make_layer(tmp_path / "one")
    second = make_layer(tmp_path / "two")
    for path in second.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    # WHEN both are zipped
    a, b = zip_layer(first), zip_layer(second)
    # THEN bytes and hash are equal, and the entries are sorted, relative, dated 1980-01-01
    assert a.data == b.data and a.sha256 == b.sha256
    entries = zipfile.ZipFile(io.BytesIO(a.data)).infolist()
    assert [entry.filename for entry in entries] == ["bin/tool", "python/a.py", "python/lib/__init__.py"]
    assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}


def test_permissions_are_fixed_but_executables_stay_executable(tmp_path: Path) -> None:
    # GIVEN a layer with an executable and a group-writable file
    folder = make_layer(tmp_path)
    (folder / "python" / "a.py").chmod(0o664)
    # WHEN zipped
    entries = {
        e.filename: e.external_attr >> 16
        for e in zipfile.ZipFile(io.BytesIO(zip_layer(folder).data)).infolist()
    }
    # THEN files are 644, executables 755
    assert entries["python/a.py"] & 0o777 == 0o644
    assert entries["bin/tool"] & 0o777 == 0o755


def test_a_changed_file_changes_the_hash(tmp_path: Path) -> None:
    # GIVEN a zipped layer / WHEN one byte of a file changes THEN the hash changes
    folder = make_layer(tmp_path)
    before = zip_layer(folder).sha256
    (folder / "python" / "a.py").write_text("x = 2\n")
    assert zip_layer(folder).sha256 != before


def test_an_empty_folder_is_refused_with_the_next_step(tmp_path: Path) -> None:
    # GIVEN a folder without files / WHEN zipped THEN the error names it and says to build the layer
    (tmp_path / "python").mkdir()
    with pytest.raises(
        LayerBuildError, match=f"the layer folder {tmp_path} holds no files; build the layer first"
    ):
        zip_layer(tmp_path)
