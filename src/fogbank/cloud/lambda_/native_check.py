"""Native extensions must match the function's architecture, as on Lambda; pure Python runs anywhere.

Lambda runs an arm64 function on Graviton and an x86_64 one on Intel/AMD, so a function whose code or layers
ship a native extension (`.so`) built for the other architecture fails to import it. Locally both kinds of
function run on the host, so this check restores that failure: before an extension module under the task root
or the layers loads, its ELF header's `e_machine` is compared with the function's declared architecture, and a
mismatch raises ImportError naming the file and both architectures (the runtime client turns it into
Runtime.ImportModuleError). An extension built for the function's architecture that the host cannot execute
(an arm64 .so on an x86_64 machine) fails the same way, saying it is this machine's limit.

One exception: a layer that fogbank itself built for this machine (its `.fogbank-layer.json` manifest names
the host's architecture) stands in for the function-architecture build that fogbank makes on AWS, so the
extensions it lists load without the check (docs/local-cloud-lambda.md).

Extensions are also tied to a CPython minor (`_ext.cpython-313-x86_64-linux-gnu.so`). Every python3.x function
runs on this interpreter, so under the task root and the layers extensions are looked for by the file names of
the minor the function names: a python3.13 function does not find a `.cpython-311-...so` (Python's own
`No module named ...`, as on Lambda), and one built for python3.13 is found and refused with an ImportError saying
this interpreter cannot load it (`version_suffixes`, `check_python_version`).

Standard library only: it runs inside the runtime (linked there as `fogbank_native_check`).

Example:
    >>> elf_architecture(b"\\x7fELF\\x02\\x01" + bytes(12) + (62).to_bytes(2, "little"))
    'x86_64'
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

__all__ = [
    "check_extension",
    "check_python_version",
    "elf_architecture",
    "extension_suffixes",
    "host_built_extensions",
    "install_native_check",
    "named_python_tag",
    "version_suffixes",
]

LAYER_MANIFEST = ".fogbank-layer.json"  # written by fogbank.layer (kept in step there)

_MACHINES = {62: "x86_64", 183: "arm64", 3: "x86 (32-bit)", 40: "arm (32-bit)"}
_TRIPLETS = {"x86_64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}
_LOADER: Any = importlib.machinery.ExtensionFileLoader
_HOST_TAG = f"cpython-{sys.version_info.major}{sys.version_info.minor}"


def elf_architecture(header: bytes) -> str | None:
    """Lambda's name for the machine in an ELF header ("x86_64", "arm64", ...); None when not ELF."""
    if len(header) < 20 or header[:4] != b"\x7fELF":
        return None
    order = "little" if header[5] == 1 else "big"
    machine = int.from_bytes(header[18:20], order)  # type: ignore[arg-type]
    return _MACHINES.get(machine, f"ELF machine {machine}")


def check_extension(path: str, function_architecture: str, host_architecture: str) -> None:
    """Raise ImportError when the extension at `path` cannot load for this function (see module docstring)."""
    try:
        with open(path, "rb") as file:
            built_for = elf_architecture(file.read(64))
    except OSError:
        return  # the loader reports a missing or unreadable file itself
    if built_for is None or built_for == function_architecture == host_architecture:
        return
    if built_for != function_architecture:
        raise ImportError(
            f"architecture mismatch: {path} is a native extension built for {built_for}, but the function's "
            f"architecture is {function_architecture}, so Lambda cannot load it; package the {function_architecture} "
            f"build of this library (pip install --platform manylinux2014_"
            f"{'aarch64' if function_architecture == 'arm64' else 'x86_64'} --only-binary=:all:)",
            path=path,
        )
    raise ImportError(
        f"{path} is built for {built_for}, the function's architecture, but this machine is {host_architecture}, "
        f"so the local cloud cannot load it; for local runs use Architectures [{host_architecture}] and "
        f"{host_architecture} packages, or run on an {built_for} machine",
        path=path,
    )


def extension_suffixes(function_architecture: str, host_architecture: str) -> list[str]:
    """Extension suffixes with every architecture's platform tag, the function's first: an extension built for
    any of them is found, and then checked, instead of being skipped as "No module named ..."."""
    host_suffixes = list(importlib.machinery.EXTENSION_SUFFIXES)
    host = _TRIPLETS.get(host_architecture)
    if host is None:
        return host_suffixes
    suffixes: list[str] = []
    for architecture in (function_architecture, host_architecture, *_TRIPLETS):
        triplet = _TRIPLETS.get(architecture)
        for suffix in host_suffixes:
            candidate = suffix.replace(host, triplet) if triplet and host in suffix else suffix
            if candidate not in suffixes:
                suffixes.append(candidate)
    return suffixes


def host_built_extensions(roots: Sequence[str], host_architecture: str) -> frozenset[str]:
    """Real paths of the extensions that layers fogbank built for this machine list in their manifests."""
    exempt: set[str] = set()
    for root in roots:
        try:
            with open(os.path.join(root, LAYER_MANIFEST), encoding="utf-8") as file:
                manifest = json.load(file)
        except (OSError, ValueError):
            continue  # no manifest: not a layer fogbank built, every extension is checked
        if (
            isinstance(manifest, dict)
            and manifest.get("built_by") == "fogbank"
            and manifest.get("architecture") == host_architecture
        ):
            exempt.update(
                os.path.realpath(os.path.join(root, rel)) for rel in manifest.get("native_extensions", [])
            )
    return frozenset(exempt)


def named_python_tag(runtime: str) -> str | None:
    """The extension tag of the CPython a runtime names ("cpython-313" for "python3.13"); None for this
    interpreter's own minor and for anything that is not a python3.x runtime."""
    major, dot, minor = runtime.removeprefix("python").partition(".")
    if not runtime.startswith("python") or major != "3" or not dot or not minor.isdigit():
        return None
    tag = f"cpython-3{int(minor)}"
    return None if tag == _HOST_TAG else tag


def version_suffixes(suffixes: Sequence[str], runtime: str) -> list[str]:
    """`suffixes` as the CPython that `runtime` names has them: `.cpython-313-...so` instead of this
    interpreter's `.cpython-311-...so` for python3.13 (`.abi3.so` and `.so` stay). Unchanged for the same minor.

    Example:
        >>> version_suffixes([f".{_HOST_TAG}-x86_64-linux-gnu.so", ".abi3.so", ".so"], "python3.99")
        ['.cpython-399-x86_64-linux-gnu.so', '.abi3.so', '.so']
    """
    tag = named_python_tag(runtime)
    if tag is None:
        return list(suffixes)
    return [suffix.replace(_HOST_TAG, tag) for suffix in suffixes]


def check_python_version(path: str, runtime: str) -> None:
    """Raise ImportError for an extension built for the CPython `runtime` names when that is not this one: it
    is found (as Lambda would find it) but this interpreter cannot load it."""
    tag = named_python_tag(runtime)
    if tag is not None and f".{tag}-" in os.path.basename(path):
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        raise ImportError(
            f"{path} is a native extension built for {runtime}, the function's runtime, but this machine runs "
            f"Python {version}, so the local cloud cannot load it; install CPython {runtime[6:]} on this machine "
            f"(pyenv or uv, or set FOGBANK_PYTHON_{runtime[6:].replace('.', '_')}) and the function runs on it, or "
            f"test it on AWS (--fogbank-target aws), or name python{version} and package the python{version} "
            "build of this library (docs/local-cloud-lambda.md, Runtimes)",
            path=path,
        )


def install_native_check(
    function_architecture: str, host_architecture: str, roots: Sequence[str], runtime: str = ""
) -> None:
    """Check every extension module loaded from under `roots` (the task root and the layers) from now on.

    Call it before the first import from those roots: it replaces the path hook and drops the finders cached for
    paths under the roots (the others stay: what they find, the standard library and the runtime, is the host's).
    Under the roots, extensions are looked for by the file names of the CPython that `runtime` names (a
    python3.13 function does not find a `.cpython-311-...so`, as on Lambda; see `version_suffixes`).
    """
    machinery = importlib.machinery
    suffixes = extension_suffixes(function_architecture, host_architecture)
    sources = [
        (machinery.SourceFileLoader, machinery.SOURCE_SUFFIXES),
        (machinery.SourcelessFileLoader, machinery.BYTECODE_SUFFIXES),
    ]
    host_hook = machinery.FileFinder.path_hook((machinery.ExtensionFileLoader, suffixes), *sources)
    function_hook = machinery.FileFinder.path_hook(
        (machinery.ExtensionFileLoader, version_suffixes(suffixes, runtime)), *sources
    )
    prefixes = tuple(os.path.join(os.path.realpath(root), "") for root in roots)
    under = (*prefixes, *(os.path.join(root, "") for root in roots))

    def path_hook(path: str) -> Any:
        return (function_hook if os.path.join(str(path), "").startswith(under) else host_hook)(path)

    path_hook.__qualname__ = "FileFinder.path_hook.<fogbank>"  # replaced by the next install, as FileFinder's
    hooks = [hook for hook in sys.path_hooks if "FileFinder" not in getattr(hook, "__qualname__", "")]
    sys.path_hooks[:] = [*hooks, path_hook]
    for path in [p for p in sys.path_importer_cache if os.path.join(str(p), "").startswith(under)]:
        del sys.path_importer_cache[path]
    original = _LOADER.create_module
    exempt = host_built_extensions(roots, host_architecture)

    def create_module(self: Any, spec: Any) -> Any:
        real = os.path.realpath(self.path)
        if real not in exempt and (real.startswith(prefixes) or str(self.path).startswith(prefixes)):
            check_python_version(self.path, runtime)
            check_extension(self.path, function_architecture, host_architecture)
        return original(self, spec)

    _LOADER.create_module = create_module
