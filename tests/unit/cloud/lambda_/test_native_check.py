"""The ELF architecture check of native extensions (fogbank.cloud.lambda_.native_check)."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.native_check import (
    check_extension,
    check_python_version,
    elf_architecture,
    extension_suffixes,
    named_python_tag,
    version_suffixes,
)


def _elf(machine: int) -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(9) + (3).to_bytes(2, "little") + machine.to_bytes(2, "little")


@pytest.mark.parametrize(("machine", "name"), [(62, "x86_64"), (183, "arm64"), (3, "x86 (32-bit)")])
def test_elf_architecture_names_the_machine(machine: int, name: str) -> None:
    # GIVEN an ELF header for `machine` WHEN it is read THEN Lambda's name comes back
    assert elf_architecture(_elf(machine)) == name


def test_elf_architecture_of_a_real_extension_and_of_text() -> None:
    # GIVEN this interpreter's own _bisect extension and a text file
    extension = next(Path(sysconfig.get_config_var("DESTSHARED")).glob("_bisect.*.so")).read_bytes()[:64]

    # WHEN they are read THEN the extension is ELF of some architecture and the text is not ELF
    assert elf_architecture(extension) in ("x86_64", "arm64")
    assert elf_architecture(b"print('hello')\n" * 4) is None


def test_mismatch_names_file_and_both_architectures(tmp_path: Path) -> None:
    # GIVEN an x86_64 extension in an arm64 function
    path = tmp_path / "fast.so"
    path.write_bytes(_elf(62))

    # WHEN it is checked THEN the ImportError names the mismatch, the file and the next step
    with pytest.raises(ImportError, match="architecture mismatch") as raised:
        check_extension(str(path), "arm64", "x86_64")
    assert str(path) in str(raised.value)
    assert "manylinux2014_aarch64" in str(raised.value)


def test_function_architecture_the_host_cannot_run_says_so(tmp_path: Path) -> None:
    # GIVEN an arm64 extension in an arm64 function on an x86_64 host
    path = tmp_path / "fast.so"
    path.write_bytes(_elf(183))

    # WHEN it is checked THEN the error says this machine is the limit
    with pytest.raises(ImportError, match="this machine is x86_64"):
        check_extension(str(path), "arm64", "x86_64")


def test_matching_extension_passes(tmp_path: Path) -> None:
    # GIVEN an x86_64 extension in an x86_64 function on an x86_64 host WHEN checked THEN nothing is raised
    path = tmp_path / "fast.so"
    path.write_bytes(_elf(62))
    check_extension(str(path), "x86_64", "x86_64")


def test_suffixes_find_both_architectures_the_functions_first() -> None:
    # GIVEN an arm64 function on an x86_64 host WHEN the suffixes are listed
    suffixes = extension_suffixes("arm64", "x86_64")

    # THEN the arm64 tag comes first and the host's is still there
    assert suffixes[0] == ".cpython-311-aarch64-linux-gnu.so"
    assert ".cpython-311-x86_64-linux-gnu.so" in suffixes


def test_host_built_extensions_are_read_from_fogbank_manifests_for_this_host_only(tmp_path: Path) -> None:
    from fogbank.cloud.lambda_.native_check import host_built_extensions

    # GIVEN three layer roots: fogbank's manifest for this host, one for another host, and a broken one
    for name, architecture in (("mine", "x86_64"), ("other", "arm64")):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".fogbank-layer.json").write_text(
            f'{{"built_by": "fogbank", "architecture": "{architecture}", "native_extensions": ["python/a.so"]}}'
        )
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / ".fogbank-layer.json").write_text("not json")

    # WHEN the exempt extensions are read on an x86_64 host
    exempt = host_built_extensions(
        [str(tmp_path / n) for n in ("mine", "other", "broken", "absent")], "x86_64"
    )

    # THEN only the host build's extensions are exempt
    assert exempt == {str((tmp_path / "mine" / "python" / "a.so").resolve())}


HOST_TAG = f"cpython-{sys.version_info.major}{sys.version_info.minor}"


@pytest.mark.parametrize(
    ("runtime", "tag"),
    [("python3.13", "cpython-313"), ("python3.9", "cpython-39"), (f"python3.{sys.version_info.minor}", None),
     ("nodejs20.x", None), ("", None)],
)  # fmt: skip
def test_named_python_tag_is_the_named_minors_unless_it_is_this_one(runtime: str, tag: str | None) -> None:
    # GIVEN a runtime WHEN its extension tag is read THEN another minor's tag comes back, never this one's
    assert named_python_tag(runtime) == tag


def test_version_suffixes_name_the_named_minors_files() -> None:
    # GIVEN this interpreter's suffixes with every architecture's tag
    suffixes = extension_suffixes("arm64", "x86_64")

    # WHEN they are made for python3.13 and for this interpreter's own minor
    for_313 = version_suffixes(suffixes, "python3.13")
    for_here = version_suffixes(suffixes, f"python3.{sys.version_info.minor}")

    # THEN python3.13's tag replaces this one's everywhere (abi3 and plain .so stay); the same minor is unchanged
    assert not [s for s in for_313 if HOST_TAG in s] and any(".cpython-313-" in s for s in for_313)
    assert ".abi3.so" in for_313 and ".so" in for_313
    assert for_here == suffixes


def test_an_extension_built_for_the_named_minor_is_refused_naming_both_versions(tmp_path: Path) -> None:
    # GIVEN a python3.13 extension in a python3.13 function
    path = tmp_path / "fast.cpython-313-x86_64-linux-gnu.so"
    path.write_bytes(_elf(62))

    # WHEN it is checked THEN the ImportError says this interpreter cannot load it, and what to do
    with pytest.raises(ImportError, match=r"built for python3\.13, the function's runtime") as raised:
        check_python_version(str(path), "python3.13")
    assert f"runs Python {sys.version_info.major}.{sys.version_info.minor}" in str(raised.value)
    # AND this interpreter's own build, and any build in a function of this interpreter's minor, pass
    check_python_version(str(tmp_path / f"fast.{HOST_TAG}-x86_64-linux-gnu.so"), "python3.13")
    check_python_version(str(path), f"python3.{sys.version_info.minor}")
