"""Test support: a Lambda layer .zip made from distributions installed in this virtualenv.

Workers run without fogbank's site-packages (as Lambda does), so a test whose handler imports a library
must ship it, like a real project, in a layer. Building it from the installed files keeps tests offline and fast;
the framework's own LayerBuilder (pip --target with manylinux tags) is tested separately.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

# Lambda's Python runtime already has these (fogbank.cloud.lambda_.python_runtime).
_RUNTIME = {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"}


def _requirements(name: str) -> set[str]:
    names: set[str] = set()
    for requirement in distribution(name).requires or []:
        if "extra ==" in requirement:
            continue
        names.add(re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0].lower())
    return names


def _closure(names: tuple[str, ...]) -> set[str]:
    seen: set[str] = set()
    pending = [n.lower() for n in names]
    while pending:
        name = pending.pop()
        if name in seen or name in _RUNTIME:
            continue
        seen.add(name)
        try:
            pending.extend(_requirements(name))
        except PackageNotFoundError:
            seen.discard(name)
    return seen


@cache
def layer_zip(*names: str) -> bytes:
    """A layer .zip with `python/<top-level modules>` of `names` and their (non-runtime) dependencies."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(_closure(names)):
            dist = distribution(name)
            for file in dist.files or []:
                if (
                    file.parts[0].endswith(".dist-info")
                    or file.parts[0] == ".."
                    or "__pycache__" in file.parts
                ):
                    continue
                source = Path(str(dist.locate_file(file)))
                if source.is_file():
                    archive.write(source, "python/" + "/".join(file.parts))
    return buffer.getvalue()
