"""The memory limits' probe and decisions, on cgroup files laid out in a temporary directory (no kernel needed;
tests/integration/lambda_/test_memory_limits.py runs them against the kernel)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.memory_limit import (
    EnvironmentLimit,
    MemoryLimits,
    Probe,
    anonymous_over,
    probe,
    sweep,
)

_MB = 1 << 20
_V1_FILES = (
    "memory.limit_in_bytes",
    "memory.usage_in_bytes",
    "memory.stat",
    "cgroup.procs",
    "cgroup.event_control",
)


def _fake_v1(root: Path, relative: str = "process_api/abc") -> tuple[Path, Path]:
    """A /proc/self/cgroup naming a v1 memory cgroup, and that cgroup's directory with its files."""
    proc = root / "proc-cgroup"
    proc.write_text(f"9:name=systemd:/\n4:memory:/{relative}\n0::/\n")
    directory = root / "sys" / "memory" / relative
    directory.mkdir(parents=True)
    for name in _V1_FILES:
        (directory / name).write_text("")
    return proc, directory


def test_probe_finds_a_writable_v1_memory_cgroup(tmp_path: Path) -> None:
    # GIVEN a process in a v1 memory cgroup whose directory is writable
    proc, directory = _fake_v1(tmp_path)

    # WHEN the machine is probed
    found = probe(proc, tmp_path / "sys")

    # THEN limits go under that cgroup
    assert found == Probe(directory)


def test_probe_refuses_cgroup_v2_and_says_why(tmp_path: Path) -> None:
    # GIVEN a process on the unified hierarchy only
    proc = tmp_path / "proc-cgroup"
    proc.write_text("0::/user.slice/session-1.scope\n")

    # WHEN the machine is probed
    found = probe(proc, tmp_path / "sys")

    # THEN memory is not enforced, and the reason names cgroup v2
    assert found.parent_dir is None
    assert "cgroup v2" in found.reason


def test_probe_refuses_an_unmounted_memory_controller(tmp_path: Path) -> None:
    # GIVEN a process whose memory cgroup is not mounted where cgroups are
    proc = tmp_path / "proc-cgroup"
    proc.write_text("4:memory:/somewhere\n")

    # WHEN the machine is probed
    found = probe(proc, tmp_path / "sys")

    # THEN memory is not enforced, and the reason names the directory
    assert found.parent_dir is None
    assert "not mounted" in found.reason and "somewhere" in found.reason


def test_probe_without_cgroups(tmp_path: Path) -> None:
    # WHEN there is no /proc/self/cgroup at all
    found = probe(tmp_path / "missing", tmp_path / "sys")

    # THEN memory is not enforced, and the cloud can still start
    assert found.parent_dir is None and "no cgroups" in found.reason
    limits = MemoryLimits.start(found)
    assert not limits.enforced and limits.environment(128, 512) is None
    limits.close()


def test_tmp_and_page_cache_do_not_count_but_anonymous_memory_does() -> None:
    # GIVEN a 128 MB function whose runtime shares 20 MB with the zygote
    memory, baseline = 128 * _MB, 20 * _MB

    # THEN 300 MB in /tmp (shmem) and page cache do not make it exceed; 120 MB of its own memory does
    assert not anonymous_over(
        {"total_rss": 50 * _MB, "total_shmem": 300 * _MB, "total_cache": 400 * _MB}, baseline, memory
    )
    assert not anonymous_over({"total_rss": 108 * _MB}, baseline, memory)
    assert anonymous_over({"total_rss": 109 * _MB}, baseline, memory)


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process
    process.kill()
    process.wait()


def _limit(tmp_path: Path) -> tuple[MemoryLimits, EnvironmentLimit]:
    parent = tmp_path / "fogbank-1"
    parent.mkdir()
    limits = MemoryLimits(parent)
    limit = limits.environment(memory_mb=128, tmp_mb=512)
    assert limit is not None
    for name in (*_V1_FILES, "memory.oom_control"):
        (limit.directory / name).write_text("0\n" if name == "memory.usage_in_bytes" else "")
    return limits, limit


def _close(limits: MemoryLimits, limit: EnvironmentLimit) -> None:
    """Close `limits`; the fake cgroup files go first (the kernel's vanish with the cgroup)."""
    for path in limit.directory.iterdir():
        path.unlink()
    limits.close()
    assert limits.parent is not None and not limits.parent.exists()


def test_admit_sets_the_backstop_and_arms_the_threshold(tmp_path: Path) -> None:
    # GIVEN an environment's cgroup
    limits, limit = _limit(tmp_path)

    # WHEN a runtime sharing 20 MB with the zygote is admitted
    limit.admit(4242, baseline_bytes=20 * _MB)
    assert limits.wait_idle()

    # THEN the hard limit leaves room for /tmp, the pid is moved in, and the threshold is where its own memory
    # would reach MemorySize
    assert int((limit.directory / "memory.limit_in_bytes").read_text()) == (128 - 20 + 512 + 64) * _MB
    assert (limit.directory / "cgroup.procs").read_text() == "4242"
    assert (limit.directory / "cgroup.event_control").read_text().split()[2] == str(108 * _MB)
    _close(limits, limit)


def test_a_threshold_crossed_by_tmp_rearms_higher(tmp_path: Path, sleeper: subprocess.Popen[bytes]) -> None:
    # GIVEN an admitted environment that wrote 200 MB to /tmp
    limits, limit = _limit(tmp_path)
    limit.admit(sleeper.pid, baseline_bytes=20 * _MB)
    assert limits.wait_idle()
    (limit.directory / "memory.stat").write_text(f"total_rss {30 * _MB}\ntotal_shmem {200 * _MB}\n")
    (limit.directory / "memory.usage_in_bytes").write_text(str(235 * _MB))

    # WHEN the threshold fires
    limit.check()

    # THEN it lives on, and the next threshold is where its own memory would reach MemorySize
    assert sleeper.poll() is None and not limit.exceeded()
    assert (limit.directory / "cgroup.event_control").read_text().split()[2] == str(
        (235 + 128 - 20 - 30) * _MB
    )
    _close(limits, limit)


def test_a_threshold_crossed_by_its_own_memory_kills_it(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    # GIVEN an admitted environment whose own memory is past MemorySize
    limits, limit = _limit(tmp_path)
    limit.admit(sleeper.pid, baseline_bytes=20 * _MB)
    assert limits.wait_idle()
    (limit.directory / "cgroup.procs").write_text(f"{sleeper.pid}\n")
    (limit.directory / "memory.stat").write_text(f"total_rss {120 * _MB}\n")

    # WHEN the threshold fires
    limit.check()

    # THEN every process of the environment is killed, and it counts as out of memory
    assert sleeper.wait(timeout=10) == -9
    assert limit.exceeded()
    _close(limits, limit)


def test_the_kernels_oom_kill_counts_as_out_of_memory(tmp_path: Path) -> None:
    # GIVEN an environment the kernel OOM-killed (the backstop)
    limits, limit = _limit(tmp_path)
    (limit.directory / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 1\n")

    # THEN it counts as out of memory
    assert limit.exceeded()
    _close(limits, limit)


def test_sweep_removes_what_dead_clouds_left(tmp_path: Path) -> None:
    # GIVEN the cgroups of a cloud that is gone, of this (running) process, and of something else
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f"fogbank-{dead.pid}-1" / "env-1").mkdir(parents=True)
    (tmp_path / f"fogbank-{os.getpid()}-2").mkdir()
    (tmp_path / "other").mkdir()

    # WHEN leftovers are swept
    removed = sweep(tmp_path)

    # THEN only the dead cloud's are removed
    assert removed == [tmp_path / f"fogbank-{dead.pid}-1"]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([f"fogbank-{os.getpid()}-2", "other"])


def test_memory_used_before_the_threshold_was_armed_is_caught(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    # GIVEN an environment whose own memory is past MemorySize before its threshold is armed
    limits, limit = _limit(tmp_path)
    (limit.directory / "memory.stat").write_text(f"total_rss {200 * _MB}\n")

    # WHEN it is admitted (the threshold is armed on the watcher's thread)
    limit.admit(sleeper.pid, baseline_bytes=0)
    assert limits.wait_idle()

    # THEN the check that follows the arming kills it
    assert sleeper.wait(timeout=10) == -9
    assert limit.exceeded()
    _close(limits, limit)


def test_sweep_leaves_a_cgroup_that_still_has_processes(tmp_path: Path) -> None:
    # GIVEN a cgroup named for a process that is not running here, yet busy (a file stands for its processes:
    # rmdir fails on both), as a cloud in another pid namespace sharing this hierarchy would have
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    busy = tmp_path / f"fogbank-{dead.pid}-1"
    busy.mkdir()
    (busy / "cgroup.procs").write_text("1234\n")

    # WHEN leftovers are swept
    removed = sweep(tmp_path)

    # THEN it is left alone, its processes untouched
    assert removed == [] and (busy / "cgroup.procs").read_text() == "1234\n"


def test_a_cgroup_that_refuses_its_limits_leaves_the_environment_running(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN an environment's cgroup whose limit file cannot be written
    limits, limit = _limit(tmp_path)
    (limit.directory / "memory.limit_in_bytes").unlink()
    (limit.directory / "memory.limit_in_bytes").mkdir()

    # WHEN a runtime is admitted
    limit.admit(4242, baseline_bytes=0)

    # THEN the cold start goes on, unlimited, and the cloud says so
    assert "NOT enforced" in caplog.text and "memory.limit_in_bytes" in caplog.text
    assert not limit.exceeded()
    (limit.directory / "memory.limit_in_bytes").rmdir()
    _close(limits, limit)
