"""The runtime's pinned distributions for another CPython minor, and what can be known of that minor's install
before and after pip runs: whether the pins can support the minor (`unmet_requirements`: Requires-Python and
Requires-Dist read from the distributions' metadata), and a command that imports the runtime's entry points from
an installed directory with that minor's interpreter (`entry_points_command`).

Example:
    >>> "requires Python >=3.10" in (unmet_requirements((3, 9), "x86_64") or "")
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import Distribution, PackageNotFoundError, distribution, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from fogbank.errors import CloudError

__all__ = ["entry_points_command", "pinned_distributions", "unmet_requirements"]

_MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}
# what the runtime's bootstrap imports (awslambdaric's native runtime_client included), and an SDK client
_ENTRY_POINTS = (
    "import sys; sys.path[:0] = [sys.argv[1]]; "
    "import awslambdaric.bootstrap, simplejson, snapshot_restore_py, boto3; "
    "boto3.client('s3', region_name='us-east-1')"
)


def pinned_distributions() -> dict[str, str]:
    """Each runtime distribution (python_runtime.RUNTIME_DISTRIBUTIONS) at the version installed for the cloud."""
    from fogbank.cloud.lambda_.python_runtime import RUNTIME_DISTRIBUTIONS

    pins = {}
    for name in RUNTIME_DISTRIBUTIONS:
        try:
            pins[name] = version(name)
        except PackageNotFoundError as exc:
            raise CloudError(
                f"the Lambda Python runtime needs the package {name}, which is not installed; reinstall fogbank "
                "(make install)"
            ) from exc
    return pins


def unmet_requirements(
    minor: tuple[int, int], architecture: str, distributions: Iterable[Distribution] | None = None
) -> str | None:
    """Why the pinned distributions cannot run on `minor` (None: nothing known against it): a Requires-Python
    the minor does not meet (as pip compares it: `3.9`), or a Requires-Dist that applies on that minor (its
    markers evaluated for it) naming a distribution outside the pins, which `--no-deps` would leave out.
    `distributions`: the ones to read (default: the cloud's own, at the pinned versions).

    >>> unmet_requirements((3, 13), "x86_64") is None
    True
    """
    pins = pinned_distributions()
    pinned = {canonicalize_name(name) for name in pins}
    if distributions is None:
        distributions = [distribution(name) for name in sorted(pins)]
    wanted = f"{minor[0]}.{minor[1]}"
    environment = {
        "python_version": wanted,
        "python_full_version": f"{wanted}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": _MACHINES.get(architecture, architecture),
        "extra": "",
    }
    too_new, missing = [], []
    for found in distributions:
        name = found.metadata["Name"]
        requires_python = (found.metadata.get_all("Requires-Python") or [""])[0]
        if requires_python and not SpecifierSet(requires_python).contains(wanted, prereleases=True):
            too_new.append(f"{name} {found.version} requires Python {requires_python.replace(' ', '')}")
        for line in found.requires or []:
            requirement = Requirement(line)
            applies = requirement.marker is None or requirement.marker.evaluate(environment)
            if applies and canonicalize_name(requirement.name) not in pinned:
                missing.append(f"{name} {found.version} requires {line} on Python {wanted}")
    if too_new:
        return "; ".join(too_new)
    if missing:
        return (
            "; ".join(missing)
            + ", which the runtime's pinned distributions (those installed for the cloud) do not include"
        )
    return None


def entry_points_command(python: Path, packages: Path) -> list[str]:
    """The command with which `python` imports the runtime's entry points (the bootstrap, its native client,
    boto3 with a client made) from `packages` only (-I -S: nothing of the machine's site-packages); it fails
    where the installed set lacks something that minor needs.

    >>> entry_points_command(Path("/usr/bin/python3.13"), Path("/cache/cp313"))[-1]
    '/cache/cp313'
    """
    return [str(python), "-I", "-S", "-c", _ENTRY_POINTS, str(packages)]
