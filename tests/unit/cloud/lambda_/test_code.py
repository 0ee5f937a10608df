"""The code store: a function's zip and its layers unpacked once, bad archives rejected."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from fogbank.cloud.aws_state.lambda_ import FunctionSpec, LayerSpec
from fogbank.cloud.lambda_ import code
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


def _layered_spec() -> FunctionSpec:
    return _spec(
        _zip({"app.py": "code"}), (LayerSpec("arn:l1", "sha-of-l1", _zip({"python/a.py": "A = 1"})),)
    )


def test_a_layer_set_shown_read_only_is_unpacked_once_per_machine(tmp_path: Path) -> None:
    # GIVEN two clouds (own state directories) on one machine, sharing the machine's layer cache
    first, second = (
        CodeStore(tmp_path / "one", tmp_path / "shared"),
        CodeStore(tmp_path / "two", tmp_path / "shared"),
    )

    # WHEN each prepares the same function, its layers shown read-only at /opt
    _, first_opt = first.prepare(_layered_spec(), share_layers=True)
    unpacked = (first_opt / "python" / "a.py").stat().st_ino
    _, second_opt = second.prepare(_layered_spec(), share_layers=True)

    # THEN each cloud's opt directory is a link to the one copy in the shared cache, unpacked once
    assert first_opt.parent == tmp_path / "one" / "opt" and first_opt.is_symlink()
    assert first_opt.resolve() == second_opt.resolve() == (tmp_path / "shared" / first_opt.name).resolve()
    assert (second_opt / "python" / "a.py").stat().st_ino == unpacked
    left = sorted(p.name for p in (tmp_path / "shared").iterdir())
    assert left == [f".{first_opt.name}.lock", first_opt.name]  # no staging directory left behind


def test_layers_that_a_function_could_write_to_are_never_shared(tmp_path: Path) -> None:
    # GIVEN a cloud whose environments cannot show /opt read-only (no namespaces)
    store = CodeStore(tmp_path / "one", tmp_path / "shared")

    # WHEN it prepares a function with layers
    _, opt_dir = store.prepare(_layered_spec(), share_layers=False)

    # THEN it unpacks its own copy, and the machine's cache is untouched
    assert opt_dir.is_dir() and not opt_dir.is_symlink()
    assert not (tmp_path / "shared").exists()


def test_a_shared_layer_set_evicted_by_another_cloud_is_unpacked_again(tmp_path: Path) -> None:
    # GIVEN a cloud using a shared layer set, which another cloud then evicts from the machine's cache
    store = CodeStore(tmp_path / "one", tmp_path / "shared")
    _, opt_dir = store.prepare(_layered_spec(), share_layers=True)
    shutil.rmtree(tmp_path / "shared" / opt_dir.name)

    # WHEN the next environment of that function is prepared
    _, again = store.prepare(_layered_spec(), share_layers=True)

    # THEN the layer set is there again, through the same link
    assert again == opt_dir
    assert (again / "python" / "a.py").read_text() == "A = 1"


def test_task_roots_and_layer_directories_are_readable_by_all_as_on_lambda(tmp_path: Path) -> None:
    # GIVEN a function with a layer, in a cloud that shares layer sets and in one that does not
    shared_store, own_store = CodeStore(tmp_path / "one", tmp_path / "shared"), CodeStore(tmp_path / "two")

    # WHEN each prepares it
    task_root, shared_opt = shared_store.prepare(_layered_spec(), share_layers=True)
    _, own_opt = own_store.prepare(_layered_spec())

    # THEN the directories are drwxr-xr-x, as Lambda's /var/task and /opt
    assert {oct(p.resolve().stat().st_mode & 0o777) for p in (task_root, shared_opt, own_opt)} == {"0o755"}


def _spec_with_layer(sha: str) -> FunctionSpec:
    return _spec(_zip({"app.py": "code"}), (LayerSpec(f"arn:{sha}", sha, _zip({"python/a.py": sha})),))


def test_a_layer_set_that_a_running_cloud_uses_is_never_evicted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a machine cache that keeps no unused layer set at all, and a cloud using set "x"
    monkeypatch.setattr(code, "SHARED_LAYER_SETS", 0)
    monkeypatch.setattr(code, "SHARED_LAYER_IDLE_S", 0.0)
    shared = tmp_path / "shared"
    running = CodeStore(tmp_path / "running", shared)
    _, x_dir = running.prepare(_spec_with_layer("x"), share_layers=True)

    # WHEN another cloud prepares set "y" (and evicts what no cloud uses)
    CodeStore(tmp_path / "second", shared).prepare(_spec_with_layer("y"), share_layers=True)

    # THEN the running cloud's set is still there; once that cloud stops, the next eviction removes it
    assert (x_dir / "python" / "a.py").read_text() == "x"
    running.close()
    CodeStore(tmp_path / "third", shared).prepare(_spec_with_layer("z"), share_layers=True)
    assert not x_dir.exists()


def test_a_layer_set_once_shared_is_never_handed_out_writable(tmp_path: Path) -> None:
    # GIVEN a cloud whose environments showed a layer set read-only at /opt (its opt directory links to the
    # machine's copy), and then lost that (its zygote failed to start later in the cloud's life)
    shared = tmp_path / "shared"
    store = CodeStore(tmp_path / "one", shared)
    _, linked = store.prepare(_layered_spec(), share_layers=True)

    # WHEN the same function's next environment is prepared without a read-only /opt, and writes its layers
    _, writable = store.prepare(_layered_spec(), share_layers=False)
    (writable / "python" / "a.py").write_text("A = 'changed by a function'")

    # THEN it got a copy of this cloud's own, beside the link; the machine's copy is unchanged
    assert writable.parent == linked.parent and writable != linked
    assert writable.is_dir() and not writable.is_symlink()
    assert not writable.resolve().is_relative_to(shared.resolve())
    assert (shared / linked.name / "python" / "a.py").read_text() == "A = 1"
    # AND that copy is the one it keeps using
    assert store.prepare(_layered_spec(), share_layers=False)[1] == writable


KILLED_MID_UNPACK = """
import os, pickle, signal, sys
from pathlib import Path
from fogbank.cloud.lambda_ import code

def extract_then_die(owner, data, target):
    real_extract(owner, data, target)
    if target.parent == Path(sys.argv[2]):  # part of the layer set is in the machine's cache ...
        os.kill(os.getpid(), signal.SIGKILL)  # ... when the worker is killed

real_extract, code._extract = code._extract, extract_then_die
spec = pickle.loads(Path(sys.argv[3]).read_bytes())
code.CodeStore(Path(sys.argv[1]), Path(sys.argv[2])).prepare(spec, share_layers=True)
"""


def test_what_a_process_killed_mid_unpack_left_is_deleted_by_a_later_eviction(tmp_path: Path) -> None:
    # GIVEN a real process killed while it unpacked a layer set into the machine's cache, an hour ago
    shared = tmp_path / "shared"
    (tmp_path / "spec.pickle").write_bytes(pickle.dumps(_spec_with_layer("x")))
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_MID_UNPACK,
            str(tmp_path / "killed"),
            str(shared),
            str(tmp_path / "spec.pickle"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (leftover,) = shared.glob(".unpack-*")
    assert (leftover / "python" / "a.py").read_text() == "x"
    stamp = time.time() - 3600
    os.utime(leftover, (stamp, stamp))

    # WHEN another cloud shares a layer set (and so evicts)
    CodeStore(tmp_path / "next", shared).prepare(_spec_with_layer("y"), share_layers=True)

    # THEN the killed process's unpack is gone
    assert not list(shared.glob(".unpack-*"))


def test_a_store_closed_as_its_cloud_stops_holds_no_layer_set_it_prepares_after(tmp_path: Path) -> None:
    # GIVEN a cloud's code store that was closed (the cloud stopped) while an environment's start was under way
    store = CodeStore(tmp_path / "one", tmp_path / "shared")
    store.close()
    open_before = len(os.listdir("/proc/self/fd"))

    # WHEN that start prepares its layers, shown read-only
    _, opt_dir = store.prepare(_layered_spec(), share_layers=True)

    # THEN it gets them, and no lock is left open that nothing would release
    assert (opt_dir / "python" / "a.py").read_text() == "A = 1"
    assert len(os.listdir("/proc/self/fd")) == open_before
