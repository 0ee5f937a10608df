"""Bytecode prefixes of Lambda environments: one per set of layers, the stable parts shared by all clouds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from fogbank.cloud.lambda_.bytecode import BytecodeCache
from fogbank.cloud.lambda_.sandbox import pycache_prefix


def _cloud(root: Path, shared: Path, keep: int = 16, idle_s: float = 3600) -> tuple[BytecodeCache, Path]:
    """A cloud's Lambda state directory (two layer sets unpacked) and its BytecodeCache."""
    lambda_state = root / "lambda"
    for key in ("aaaa", "bbbb"):
        (lambda_state / "opt" / key).mkdir(parents=True)
    runtime_dir = root / "runtime" / "python"
    runtime_dir.mkdir(parents=True)
    (runtime_dir / "json").symlink_to(Path(sys.base_prefix) / "lib")  # any link: what the runtime links to
    (runtime_dir / ".complete").touch()
    return BytecodeCache(lambda_state, runtime_dir, shared, keep=keep, idle_s=idle_s), lambda_state


def _entries(directory: Path) -> list[str]:
    """The entries of a shared cache directory (not the lock files beside them)."""
    return sorted(p.name for p in directory.iterdir() if not p.name.startswith("."))


def _age(path: Path, seconds: float) -> None:
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


def _mirror(prefix: Path, source: Path) -> Path:
    return prefix.joinpath(*source.absolute().parts[1:])


def test_a_prefix_links_opt_the_standard_library_and_the_runtime_into_the_shared_cache(
    tmp_path: Path,
) -> None:
    # GIVEN a cloud with a layer set unpacked at <state>/lambda/opt/aaaa
    cache, lambda_state = _cloud(tmp_path / "cloud", tmp_path / "shared")

    # WHEN the prefix of environments showing it at /opt is prepared
    prefix = cache.prepare(lambda_state / "opt" / "aaaa")

    # THEN it is the one the environment computes, and /opt, the interpreter's prefix and the runtime directory
    # are links into the shared cache (the task root, named by its hash, stays in the cloud's own directory)
    assert prefix == Path(pycache_prefix(str(lambda_state / "opt" / "aaaa")))
    assert (prefix / "opt").resolve() == (tmp_path / "shared" / "opt" / "aaaa").resolve()
    assert (
        _mirror(prefix, Path(sys.base_prefix)).resolve().parent == (tmp_path / "shared" / "python").resolve()
    )
    runtime = _mirror(prefix, tmp_path / "cloud" / "runtime" / "python")
    assert runtime.resolve().parent == (tmp_path / "shared" / "runtime").resolve()


def test_two_layer_sets_never_share_bytecode_but_two_clouds_share_each_sets(tmp_path: Path) -> None:
    # GIVEN two clouds (own state directories) on one machine, each with layer sets aaaa and bbbb
    first, first_state = _cloud(tmp_path / "one", tmp_path / "shared")
    second, second_state = _cloud(tmp_path / "two", tmp_path / "shared")

    # WHEN each prepares the prefixes of both sets
    one_a, one_b = first.prepare(first_state / "opt" / "aaaa"), first.prepare(first_state / "opt" / "bbbb")
    two_a = second.prepare(second_state / "opt" / "aaaa")

    # THEN the sets' /opt bytecode is kept apart, and the same set in another cloud uses the same entry; so do
    # the standard library and the runtime directory (its .complete marker names no cloud)
    assert (one_a / "opt").resolve() != (one_b / "opt").resolve()
    assert (one_a / "opt").resolve() == (two_a / "opt").resolve()
    base = Path(sys.base_prefix)
    assert _mirror(one_a, base).resolve() == _mirror(two_a, base).resolve()
    assert (
        _mirror(one_a, tmp_path / "one" / "runtime" / "python").resolve()
        == _mirror(two_a, tmp_path / "two" / "runtime" / "python").resolve()
    )


def test_without_an_opt_namespace_the_zygotes_own_prefix_gets_the_shared_parts(tmp_path: Path) -> None:
    # GIVEN a cloud whose environments cannot mount /opt
    cache, lambda_state = _cloud(tmp_path / "cloud", tmp_path / "shared")

    # WHEN the prefix is prepared without an opt directory
    prefix = cache.prepare(None)

    # THEN it is the zygote's <state>/lambda/pycache, with the standard library shared and no /opt link
    assert prefix == lambda_state / "pycache"
    assert _mirror(prefix, Path(sys.base_prefix)).is_symlink()
    assert not (prefix / "opt").exists()


def test_links_deleted_since_a_prefix_was_prepared_are_made_again(tmp_path: Path) -> None:
    # GIVEN a prepared prefix whose shared entries hold compiled modules, and the zygote's own prefix
    cache, lambda_state = _cloud(tmp_path / "cloud", tmp_path / "shared")
    opt_dir = lambda_state / "opt" / "aaaa"
    prefix = cache.prepare(opt_dir)
    own = cache.prepare(None)
    (prefix / "opt" / "module.cpython.pyc").write_bytes(b"compiled")
    links = [_mirror(prefix, Path("/opt")), _mirror(prefix, Path(sys.base_prefix))]
    links.append(_mirror(prefix, tmp_path / "cloud" / "runtime" / "python"))
    targets = [link.resolve() for link in links]

    # WHEN everything in both prefixes is deleted (a function emptying the /tmp they lie under), and each is
    # prepared again
    for directory in (prefix, own):
        for entry in directory.iterdir():
            shutil.rmtree(entry) if not entry.is_symlink() else entry.unlink()
    again, own_again = cache.prepare(opt_dir), cache.prepare(None)

    # THEN the links are back, to the same shared entries, whose compiled modules were never deleted
    assert (again, own_again) == (prefix, own)
    assert [link.is_symlink() for link in links] == [True, True, True]
    assert [link.resolve() for link in links] == targets
    assert (prefix / "opt" / "module.cpython.pyc").read_bytes() == b"compiled"
    assert _mirror(own, Path(sys.base_prefix)).is_symlink()
    cache.close()


def test_links_to_shared_entries_deleted_since_are_made_to_work_again(tmp_path: Path) -> None:
    # GIVEN a prepared prefix, and the shared cache's entry it links to deleted (a function emptying a /tmp the
    # machine cache lies under: the prefix's link stays, pointing at nothing)
    cache, lambda_state = _cloud(tmp_path / "cloud", tmp_path / "shared")
    opt_dir = lambda_state / "opt" / "aaaa"
    prefix = cache.prepare(opt_dir)
    link = _mirror(prefix, Path("/opt"))
    shutil.rmtree(link.resolve())
    assert link.is_symlink() and not link.is_dir()

    # WHEN the prefix is prepared again (the next cold start)
    cache.prepare(opt_dir)

    # THEN the link leads to a directory again, so compiled modules can be written and shared once more
    assert link.is_dir()
    (link / "module.cpython.pyc").write_bytes(b"compiled")
    assert (tmp_path / "shared" / "opt" / "aaaa" / "module.cpython.pyc").read_bytes() == b"compiled"
    cache.close()


def test_the_shared_cache_keeps_only_the_most_recently_used_entries(tmp_path: Path) -> None:
    # GIVEN a shared cache holding three layer sets' entries, used at three different times
    shared = tmp_path / "shared"
    for age, key in enumerate(("newest", "older", "oldest")):
        (shared / "opt" / key).mkdir(parents=True)
        stamp = 1_700_000_000 - age * 3600
        os.utime(shared / "opt" / key, (stamp, stamp))

    # WHEN a cloud that keeps two entries per kind prepares its first prefix (using set aaaa)
    cache, lambda_state = _cloud(tmp_path / "cloud", shared, keep=2)
    cache.prepare(lambda_state / "opt" / "aaaa")

    # THEN the entry just used and the most recent other one are kept; the oldest ones are gone
    assert _entries(shared / "opt") == ["aaaa", "newest"]


RUNNING_CLOUD = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from test_bytecode import _cloud
cache, lambda_state = _cloud(Path(sys.argv[1]), Path(sys.argv[2]))
cache.prepare(lambda_state / "opt" / "aaaa")
print("ready", flush=True)
time.sleep(600)
"""


def test_an_entry_a_running_cloud_links_is_kept_however_long_ago_it_was_marked_used(tmp_path: Path) -> None:
    # GIVEN a cloud (a real process) that linked layer set aaaa's entry and has run for over two hours since
    shared = tmp_path / "shared"
    running = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUNNING_CLOUD,
            str(tmp_path / "running"),
            str(shared),
            str(Path(__file__).parent),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert running.stdout is not None and running.stdout.readline() == "ready\n"
        _age(shared / "opt" / "aaaa", 2 * 3600)

        # WHEN another cloud, keeping no unused entry, prepares its first prefix (and evicts)
        other, other_state = _cloud(tmp_path / "other", shared, keep=0)
        other.prepare(other_state / "opt" / "bbbb")
        other.close()

        # THEN the running cloud's entry is still there
        assert _entries(shared / "opt") == ["aaaa", "bbbb"]
    finally:
        running.kill()  # AND once that cloud dies (the kernel drops its lock) ...
        running.wait()
    _age(shared / "opt" / "aaaa", 2 * 3600)
    _age(shared / "opt" / "bbbb", 2 * 3600)
    third, third_state = _cloud(tmp_path / "third", shared, keep=0)
    third.prepare(third_state / "opt" / "bbbb")
    third.close()
    # ... the next eviction deletes what no cloud links and nobody used within the idle time
    assert _entries(shared / "opt") == ["bbbb"]


def test_a_stopped_clouds_entries_stay_for_the_idle_time_and_then_go(tmp_path: Path) -> None:
    # GIVEN a cloud that used layer sets aaaa and bbbb and stopped; aaaa last used 10 minutes ago, bbbb 2 hours
    shared = tmp_path / "shared"
    stopped, stopped_state = _cloud(tmp_path / "stopped", shared)
    stopped.prepare(stopped_state / "opt" / "aaaa")
    stopped.prepare(stopped_state / "opt" / "bbbb")
    stopped.close()
    _age(shared / "opt" / "aaaa", 600)
    _age(shared / "opt" / "bbbb", 2 * 3600)

    # WHEN another cloud that keeps no unused entry beyond the hour's idle time starts using a new set
    (tmp_path / "other" / "lambda" / "opt" / "cccc").mkdir(parents=True)
    other, other_state = _cloud(tmp_path / "other", shared, keep=0)
    other.prepare(other_state / "opt" / "cccc")
    other.close()

    # THEN the set used within the hour is kept, the one idle for longer is gone
    assert _entries(shared / "opt") == ["aaaa", "cccc"]


def test_a_cache_closed_as_its_cloud_stops_holds_no_entry_it_links_after(tmp_path: Path) -> None:
    # GIVEN a cloud's bytecode cache that was closed (the cloud stopped) while an environment's start was under way
    cache, lambda_state = _cloud(tmp_path / "cloud", tmp_path / "shared")
    cache.close()
    open_before = len(os.listdir("/proc/self/fd"))

    # WHEN that start prepares its prefix
    prefix = cache.prepare(lambda_state / "opt" / "aaaa")

    # THEN the prefix is linked, and no lock is left open that nothing would release
    assert (prefix / "opt").resolve() == (tmp_path / "shared" / "opt" / "aaaa").resolve()
    assert len(os.listdir("/proc/self/fd")) == open_before


def test_another_interpreters_cache_links_its_own_standard_library_and_runtime_entries(
    tmp_path: Path,
) -> None:
    # GIVEN a cloud's cache for its own interpreter, and one for another interpreter (a python3.13 host,
    # python_hosts.py) whose runtime directory links the same names (here: the very same targets)
    cache, lambda_state = _cloud(tmp_path / "cloud", tmp_path / "shared")
    other_prefix = tmp_path / "other-python"
    other_runtime = tmp_path / "cloud" / "runtime" / "python3.13"
    other_runtime.mkdir(parents=True)
    (other_runtime / "json").symlink_to(Path(sys.base_prefix) / "lib")
    other = BytecodeCache(
        lambda_state,
        other_runtime,
        tmp_path / "shared",
        python=(other_prefix, "3.13.0 (main)", "cpython-313"),
    )

    # WHEN both prepare the prefix of the same layer set
    prefix = cache.prepare(lambda_state / "opt" / "aaaa")
    assert other.prepare(lambda_state / "opt" / "aaaa") == prefix

    # THEN they share /opt's entry, and each links its own standard library and runtime entry (keyed by its
    # interpreter's prefix and version, even where the runtime directories link the same targets)
    own_stdlib = _mirror(prefix, Path(sys.base_prefix)).resolve()
    other_stdlib = _mirror(prefix, other_prefix).resolve()
    assert own_stdlib != other_stdlib and other_stdlib.parent == (tmp_path / "shared" / "python").resolve()
    own_runtime = _mirror(prefix, tmp_path / "cloud" / "runtime" / "python").resolve()
    assert _mirror(prefix, other_runtime).resolve() not in (own_runtime, None)
    assert (
        len(_entries(tmp_path / "shared" / "python")) == len(_entries(tmp_path / "shared" / "runtime")) == 2
    )
    assert _entries(tmp_path / "shared" / "opt") == ["aaaa"]
    cache.close()
    other.close()
