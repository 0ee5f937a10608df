"""How paths stay reachable where a namespace covers their root (fogbank.cloud.lambda_.kept_paths). These run
in this process on a temporary folder playing the covered root: its descriptor is what a namespace holds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.kept_paths import host_realpath, host_view, is_within, kept_mounts, paths_under


@pytest.fixture
def held_root(tmp_path: Path) -> Iterator[tuple[str, int]]:
    root = str(tmp_path / "var")
    os.mkdir(root)
    descriptor = os.open(root, os.O_PATH | os.O_DIRECTORY)
    try:
        yield root, descriptor
    finally:
        os.close(descriptor)


def test_is_within_matches_the_root_and_what_lies_under_it_only() -> None:
    # GIVEN a root WHEN paths are compared with it THEN itself and paths below match, a sibling prefix does not
    assert is_within("/var/task", "/var/task") and is_within("/var/task/.venv", "/var/task")
    assert not is_within("/var/tasks", "/var/task") and not is_within("/var", "/var/task")


def test_host_view_reaches_the_held_roots_files(held_root: tuple[str, int]) -> None:
    # GIVEN a held root with a file
    root, descriptor = held_root
    Path(root, "state").mkdir()
    Path(root, "state", "marker").write_text("host")

    # WHEN a path under it, and one elsewhere, are viewed through the descriptor
    under, elsewhere = (
        host_view(f"{root}/state/marker", root, descriptor),
        host_view("/etc/hostname", root, descriptor),
    )

    # THEN the first goes through /proc/self/fd and reads the file; the other is unchanged
    assert under == f"/proc/self/fd/{descriptor}/state/marker" and Path(under).read_text() == "host"
    assert elsewhere == "/etc/hostname"
    assert host_view(f"{root}/state", root, None) == f"{root}/state"


def test_host_realpath_follows_relative_and_absolute_links_through_the_held_root(
    held_root: tuple[str, int],
) -> None:
    # GIVEN under the held root: a cache, a link to it by absolute path and one by relative path, and a loop
    root, descriptor = held_root
    Path(root, "cache", "layers", "k").mkdir(parents=True)
    Path(root, "state", "opt").mkdir(parents=True)
    Path(root, "state", "opt", "k").symlink_to(f"{root}/cache/layers/k")
    Path(root, "state", "rel").symlink_to("../cache/layers")
    Path(root, "loop").symlink_to("loop")

    # WHEN each is resolved as the host has it
    absolute = host_realpath(f"{root}/state/opt/k", root, descriptor)
    relative = host_realpath(f"{root}/state/rel/k", root, descriptor)
    looping = host_realpath(f"{root}/loop/x", root, descriptor)

    # THEN both links land on the cache directory; a loop leaves the path as given
    assert absolute == relative == os.path.realpath(f"{root}/cache/layers/k")
    assert looping == f"{root}/loop/x"


def test_paths_under_keeps_directories_under_the_root_as_seen_and_resolved(
    held_root: tuple[str, int],
) -> None:
    # GIVEN a directory under the root, a link under the root to another one there, and paths elsewhere or missing
    root, descriptor = held_root
    Path(root, "code").mkdir()
    Path(root, "cache").mkdir()
    Path(root, "opt").symlink_to(f"{root}/cache")
    paths = [f"{root}/code", f"{root}/opt", "/etc", f"{root}/missing"]

    # WHEN the paths under the root are listed without a held root (as for /tmp) and with one (as for /var)
    plain = paths_under(root, paths, {})
    held = paths_under(root, paths, {}, descriptor)

    # THEN both keep the directory and the link's resolution; only without a held root is the link's own path
    # kept too (a tmpfs over the root hides the link; an overlay still shows it, so the kernel follows it)
    real_cache = os.path.realpath(f"{root}/cache")
    assert plain == {f"{root}/code": f"{root}/code", f"{root}/opt": real_cache, real_cache: real_cache}
    assert held == {f"{root}/code": f"{root}/code", real_cache: real_cache}


def test_kept_mounts_adds_an_inner_path_only_for_another_mode() -> None:
    # GIVEN a read-only state directory holding code (same mode) and a bytecode prefix (writable)
    wanted = {p: p for p in ("/var/s", "/var/s/code", "/var/s/pyc")}

    # WHEN the mounts are planned THEN the state directory and the prefix are mounted, outer first
    assert kept_mounts(wanted, {"/var/s/pyc"}) == [("/var/s", "/var/s"), ("/var/s/pyc", "/var/s/pyc")]
