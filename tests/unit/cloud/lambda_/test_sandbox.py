"""Layers at /opt through a user + mount namespace (fogbank.cloud.lambda_.sandbox)."""

from __future__ import annotations

import ctypes
import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.probe import probe_namespaces, probe_opt_namespace
from fogbank.cloud.lambda_.sandbox import (
    OPT,
    VAR_TASK,
    enter_opt_namespace,
    inodes_for,
    pycache_prefix,
    task_bytecode_dir,
    what_var_task_would_cover,
)
from namespace_support import as_a_host_whose_var_is_a_tmpfs, in_forked_child


def test_only_the_forked_child_sees_the_layers(tmp_path: Path) -> None:
    # GIVEN a layer directory with a marker file
    if (reason := probe_opt_namespace(str(tmp_path))) is not None:
        pytest.skip(f"no user + mount namespaces on this machine: {reason}")
    (tmp_path / "marker").write_text("layer")

    # WHEN a forked child enters the namespace and reads /opt/marker
    def child() -> bytes:
        enter_opt_namespace(str(tmp_path), str(tmp_path))
        return Path(OPT, "marker").read_bytes()

    seen = in_forked_child(child)

    # THEN the child saw the layer, and this process's /opt is untouched
    assert seen == b"layer"
    assert not Path(OPT, "marker").exists()


def _errno_of_write(path: Path, content: bytes = b"written") -> str:
    """ "written", or the errno's name (EROFS, ENOSPC, ...) of writing `content` to `path`."""
    try:
        path.write_bytes(content)
    except OSError as exc:
        return errno.errorcode.get(exc.errno or 0, str(exc))
    return "written"


def test_the_child_cannot_write_into_opt_or_its_task_root(tmp_path: Path) -> None:
    # GIVEN a layer directory and a task root, both writable on the host
    layers, task_root = tmp_path / "opt", tmp_path / "task"
    layers.mkdir()
    task_root.mkdir()
    if (reason := probe_opt_namespace(str(layers))) is not None:
        pytest.skip(f"no user + mount namespaces on this machine: {reason}")

    # WHEN a forked child enters the namespace and writes into /opt and into its task root
    def child() -> bytes:
        enter_opt_namespace(str(layers), str(task_root))
        return " ".join([_errno_of_write(Path(OPT, "new")), _errno_of_write(task_root / "new")]).encode()

    seen = in_forked_child(child).decode()

    # THEN both writes fail with EROFS, as on Lambda, and the host's directories stay writable and untouched
    assert seen == "EROFS EROFS"
    assert not (layers / "new").exists() and not (task_root / "new").exists()
    (task_root / "host-write").write_text("ok")


def test_a_private_tmp_hides_the_hosts_and_keeps_the_given_paths_reachable(tmp_path: Path) -> None:
    # GIVEN a directory to keep (read-only) and one to keep writable, under the host's /tmp when pytest's
    # temporary directory is there
    if (reason := probe_opt_namespace(str(tmp_path))) is not None:
        pytest.skip(f"no user + mount namespaces on this machine: {reason}")
    if not str(tmp_path.resolve()).startswith("/tmp/"):
        pytest.skip("pytest's temporary directory is not under /tmp here: nothing to keep reachable")
    kept, writable = tmp_path / "task", tmp_path / "cache"
    kept.mkdir()
    writable.mkdir()
    (kept / "code.py").write_text("VALUE = 1\n")
    marker = f"fogbank-private-tmp-{os.getpid()}"

    # WHEN a forked child mounts a 1 MB private /tmp and writes into it, the kept and the writable directory
    def child() -> bytes:
        from fogbank.cloud.lambda_.sandbox import enter_mount_namespace, mount_private_tmp

        enter_mount_namespace(str(tmp_path / "var-lang"))
        mount_private_tmp(1, [str(kept)], writable=[str(writable)])
        Path("/tmp", marker).write_text("mine")
        results = [(kept / "code.py").read_text().strip()]
        results += [_errno_of_write(directory / "new.txt") for directory in (kept, writable)]
        results.append(_errno_of_write(Path("/tmp", "big"), b"x" * (2 << 20)))
        stats = os.statvfs("/tmp")
        results.append(str(stats.f_files))
        try:
            for index in range(stats.f_files + 1):  # empty files: inodes run out before the space does
                Path("/tmp", f"empty-{index}").touch()
            results.append("all created")
        except OSError as exc:
            results.append(errno.errorcode[exc.errno or 0])
        return "|".join(results).encode()

    seen = in_forked_child(child).decode()

    # THEN the kept code was readable and read-only, the writable one took the write, the 1 MB /tmp refused
    # 2 MB and had one inode per 4 KiB (256), so more empty files than that failed too; the host's /tmp never
    # got the child's file
    assert seen == f"VALUE = 1|EROFS|written|ENOSPC|{inodes_for(1)}|ENOSPC", seen
    assert inodes_for(1) == 256
    assert not Path("/tmp", marker).exists()
    assert (writable / "new.txt").exists()


def test_nested_kept_paths_each_keep_their_own_mode(tmp_path: Path) -> None:
    # GIVEN under the host's /tmp: a read-only directory holding a writable one (a state directory and its
    # bytecode prefix; $HOME with node in it and ~/.cache/fogbank), and a writable one holding a read-only one
    if (reason := probe_opt_namespace(str(tmp_path))) is not None:
        pytest.skip(f"no user + mount namespaces on this machine: {reason}")
    if not str(tmp_path.resolve()).startswith("/tmp/"):
        pytest.skip("pytest's temporary directory is not under /tmp here: nothing to keep reachable")
    state, prefix = tmp_path / "state", tmp_path / "state" / "lambda" / "pycache-by-opt" / "k"
    cache, code = tmp_path / "cache", tmp_path / "cache" / "code"
    sibling = tmp_path / "state" / "lambda" / "code"
    for directory in (prefix, code, sibling):
        directory.mkdir(parents=True)

    # WHEN a forked child mounts a private /tmp keeping them, and writes into each
    def child() -> bytes:
        from fogbank.cloud.lambda_.sandbox import enter_mount_namespace, mount_private_tmp

        enter_mount_namespace(str(tmp_path / "var-lang"))
        mount_private_tmp(1, [str(state), str(code)], writable=[str(prefix), str(cache)])
        return "|".join(
            _errno_of_write(d / "new.txt") for d in (state, sibling, prefix, cache, code)
        ).encode()

    seen = in_forked_child(child).decode()

    # THEN each directory had its own mode, whatever holds it: the inner writable prefix took the write, the
    # inner read-only code refused it, and so did the read-only state directory and what it holds
    assert seen == "EROFS|EROFS|written|written|EROFS", seen
    assert (prefix / "new.txt").exists() and (cache / "new.txt").exists()


def test_the_child_sees_its_code_at_var_task_read_only_with_its_own_bytecode(tmp_path: Path) -> None:
    # GIVEN layers and two task roots laid out as a cloud's state directory, each code with its own bytecode
    lambda_state = tmp_path / "lambda"
    layers, code = lambda_state / "opt" / "layers", lambda_state / "code"
    layers.mkdir(parents=True)
    for name in ("one", "two"):
        (code / name).mkdir(parents=True)
        (code / name / "app.py").write_text(name)
        Path(task_bytecode_dir(str(code / name))).mkdir(parents=True)
        Path(task_bytecode_dir(str(code / name)), "app.pyc").write_text(f"compiled {name}")
    opt_error, var_task_error = probe_namespaces(str(layers))
    if opt_error is not None or var_task_error is not None:
        pytest.skip(f"no /var/task on this machine: {opt_error or var_task_error}")

    # WHEN a forked child shows each code at /var/task, reads it and its bytecode, and writes into it
    def child(name: str) -> Callable[[], bytes]:
        def body() -> bytes:
            enter_opt_namespace(str(layers), str(code / name), at_var_task=True)
            compiled = Path(pycache_prefix(str(layers)), VAR_TASK.lstrip("/"), "app.pyc")
            seen = [
                Path(VAR_TASK, "app.py").read_text(),
                compiled.read_text(),
                _errno_of_write(Path(VAR_TASK, "x")),
            ]
            return " ".join(seen).encode()

        return body

    seen = [in_forked_child(child(name)).decode() for name in ("one", "two")]

    # THEN each saw its own code at /var/task, read-only, and its own compiled modules at <prefix>/var/task
    assert seen == ["one compiled one EROFS", "two compiled two EROFS"]
    # AND nothing of it reached the host: no /var/task here, and the shared prefix's mount point stays empty
    assert not Path(VAR_TASK, "app.py").exists()
    assert list(Path(pycache_prefix(str(layers)), VAR_TASK.lstrip("/")).iterdir()) == []


def _skip_without_var_task(tmp_path: Path) -> None:
    (tmp_path / "probe").mkdir(exist_ok=True)
    opt_error, var_task_error = probe_namespaces(str(tmp_path / "probe"))
    if opt_error is not None or var_task_error is not None:
        pytest.skip(f"no /var/task on this machine: {opt_error or var_task_error}")


def test_a_hosts_own_var_task_and_var_lang_are_covered_in_the_namespace_only(tmp_path: Path) -> None:
    # GIVEN a host (simulated: a forked child with a tmpfs over its /var) whose /var/task holds a project and
    # whose /var/lang is another program's, and a function's layers and code laid out as a cloud's state
    _skip_without_var_task(tmp_path)
    layers, code = tmp_path / "lambda" / "opt" / "layers", tmp_path / "lambda" / "code" / "one"
    layers.mkdir(parents=True)
    code.mkdir(parents=True)
    (code / "app.py").write_text("VALUE = 1\n")

    # WHEN the child probes the mechanism, and an environment of its own shows the code at /var/task
    def host() -> bytes:
        as_a_host_whose_var_is_a_tmpfs()
        os.makedirs("/var/task")
        Path("/var/task/project.txt").write_text("the host's")
        os.makedirs("/var/lang/bin")
        Path("/var/lang/bin/other-program").write_text("not this interpreter")
        opt_error, var_task_error = probe_namespaces(str(layers))

        def environment() -> bytes:
            enter_opt_namespace(str(layers), str(code), tmp_mb=1, at_var_task=True)
            return json.dumps([sorted(os.listdir(VAR_TASK)), sorted(os.listdir("/var/lang/bin"))]).encode()

        seen = json.loads(in_forked_child(environment))
        after = [sorted(os.listdir("/var/task")), sorted(os.listdir("/var/lang/bin"))]
        return json.dumps([opt_error, var_task_error, seen, after]).encode()

    opt_error, var_task_error, seen, after = json.loads(in_forked_child(host))

    # THEN the probe found nothing in the way, the environment saw only its code at /var/task and its own
    # /var/lang (this interpreter's links), and the host's /var/task and /var/lang stayed as they were
    assert (opt_error, var_task_error) == (None, None)
    assert seen[0] == ["app.py"]
    assert "python" in seen[1] and "other-program" not in seen[1]
    assert after == [["project.txt"], ["other-program"]]


def test_what_var_task_would_cover_names_the_first_path_under_it() -> None:
    # GIVEN paths an environment needs (decided on the strings: none of them exist here) WHEN checked
    # THEN the first at or under /var/task is named; /var/tasks and other places are not
    assert what_var_task_would_cover(["/home/ci/venv", "/var/task", "/var/task/.venv"]) == "/var/task"
    assert what_var_task_would_cover(["/var/tasks/x", "/var/lib/jenkins/.cache/fogbank"]) is None


def test_a_state_dir_on_its_own_volume_under_var_keeps_what_the_environment_writes(tmp_path: Path) -> None:
    # GIVEN a host (simulated) whose state directory and machine cache are on a volume of their own under /var
    # (a tmpfs there, as Jenkins' home often is), its layers a link into the cache, as a cloud lays them out
    _skip_without_var_task(tmp_path)

    # WHEN an environment shows the code at /var/task, reads its layer and writes a compiled module of its code
    def host() -> bytes:
        as_a_host_whose_var_is_a_tmpfs()
        os.makedirs("/var/lib/ci")
        libc = ctypes.CDLL(None, use_errno=True)
        assert libc.mount(b"tmpfs", b"/var/lib/ci", b"tmpfs", 0, b"mode=0755") == 0
        lambda_state, cache = Path("/var/lib/ci/state/lambda"), Path("/var/lib/ci/.cache/fogbank")
        (cache / "lambda-layers" / "k").mkdir(parents=True)
        (cache / "lambda-layers" / "k" / "marker").write_text("layer")
        (lambda_state / "opt").mkdir(parents=True)
        (lambda_state / "opt" / "k").symlink_to(cache / "lambda-layers" / "k")
        (lambda_state / "code" / "one").mkdir(parents=True)
        (lambda_state / "code" / "one" / "app.py").write_text("VALUE = 1\n")
        Path(pycache_prefix(str(lambda_state / "opt" / "k"))).mkdir(parents=True)

        def environment() -> bytes:
            opt_dir = str(lambda_state / "opt" / "k")
            enter_opt_namespace(opt_dir, str(lambda_state / "code" / "one"), tmp_mb=1, at_var_task=True)
            compiled = Path(pycache_prefix(opt_dir), VAR_TASK.lstrip("/"), "app.cpython-311.pyc")
            compiled.write_text("compiled")
            return json.dumps(
                [Path(OPT, "marker").read_text(), Path(VAR_TASK, "app.py").read_text()]
            ).encode()

        seen = json.loads(in_forked_child(environment))
        written = Path(task_bytecode_dir(str(lambda_state / "code" / "one")), "app.cpython-311.pyc")
        return json.dumps([seen, written.is_file() and written.read_text()]).encode()

    seen, written = json.loads(in_forked_child(host))

    # THEN the environment read its layer through the link and its code, and its compiled module is on the host's
    # volume (not in the overlay's scratch, lost when the environment ends)
    assert seen == ["layer", "VALUE = 1\n"]
    assert written == "compiled"
