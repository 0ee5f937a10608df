"""Layers at /opt through a user + mount namespace (fogbank.cloud.lambda_.sandbox)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.sandbox import (
    OPT,
    VAR_TASK,
    enter_opt_namespace,
    inodes_for,
    probe_namespaces,
    probe_opt_namespace,
    pycache_prefix,
    task_bytecode_dir,
)


def _in_forked_child(body: Callable[[], bytes]) -> bytes:
    """What `body` returns when run in a forked child (which may enter namespaces this process must not)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(read_end)
            os.write(write_end, body())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        seen = pipe.read()
    os.waitpid(pid, 0)
    return seen


def test_probe_reports_whether_layers_can_be_shown_at_opt(tmp_path: Path) -> None:
    # GIVEN a directory to show at /opt WHEN the mechanism is probed
    reason = probe_opt_namespace(str(tmp_path))

    # THEN it works here, or says why not (a reason a person can act on)
    if reason is not None:
        pytest.skip(f"no user + mount namespaces on this machine: {reason}")
    assert reason is None


def test_only_the_forked_child_sees_the_layers(tmp_path: Path) -> None:
    # GIVEN a layer directory with a marker file
    if (reason := probe_opt_namespace(str(tmp_path))) is not None:
        pytest.skip(f"no user + mount namespaces on this machine: {reason}")
    (tmp_path / "marker").write_text("layer")

    # WHEN a forked child enters the namespace and reads /opt/marker
    def child() -> bytes:
        enter_opt_namespace(str(tmp_path), str(tmp_path))
        return Path(OPT, "marker").read_bytes()

    seen = _in_forked_child(child)

    # THEN the child saw the layer, and this process's /opt is untouched
    assert seen == b"layer"
    assert not Path(OPT, "marker").exists()


def test_probe_says_why_when_the_layers_cannot_be_mounted(tmp_path: Path) -> None:
    # GIVEN something that cannot be mounted over the /opt directory (a file)
    not_a_directory = tmp_path / "layers.zip"
    not_a_directory.write_bytes(b"PK")

    # WHEN the mechanism is probed with it
    reason = probe_opt_namespace(str(not_a_directory))

    # THEN it reports the failing step and the system's reason instead of pretending
    assert reason is not None
    assert "failed" in reason or "does not" in reason


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

    seen = _in_forked_child(child).decode()

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

    seen = _in_forked_child(child).decode()

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

    seen = _in_forked_child(child).decode()

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

    seen = [_in_forked_child(child(name)).decode() for name in ("one", "two")]

    # THEN each saw its own code at /var/task, read-only, and its own compiled modules at <prefix>/var/task
    assert seen == ["one compiled one EROFS", "two compiled two EROFS"]
    # AND nothing of it reached the host: no /var/task here, and the shared prefix's mount point stays empty
    assert not Path(VAR_TASK, "app.py").exists()
    assert list(Path(pycache_prefix(str(layers)), VAR_TASK.lstrip("/")).iterdir()) == []


def test_the_probe_reports_opt_and_var_task_separately(tmp_path: Path) -> None:
    # GIVEN a directory to show WHEN both mechanisms are probed
    opt_error, var_task_error = probe_namespaces(str(tmp_path))

    # THEN /var/task works wherever /opt does here, or each says why not; /opt failing fails /var/task too
    if opt_error is not None:
        assert var_task_error == opt_error
        pytest.skip(f"no user + mount namespaces on this machine: {opt_error}")
    assert var_task_error is None or "/var/task" in var_task_error or "/var" in var_task_error
    assert probe_opt_namespace(str(tmp_path)) is None
