"""Unpack function code into a task root and layers into an opt directory, once per content hash.

Example:
    >>> archive = io.BytesIO()
    >>> with zipfile.ZipFile(archive, "w") as package:
    ...     package.writestr("app.py", "def handler(event, context): return event")
    >>> arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    >>> spec = FunctionSpec("f", arn, "$LATEST", "python3.12", "app.handler", "Zip", "", code=archive.getvalue())
    >>> state = tempfile.TemporaryDirectory()
    >>> task_root, opt_dir = CodeStore(Path(state.name)).prepare(spec)
    >>> sorted(p.name for p in task_root.iterdir()), list(opt_dir.iterdir())  # no layers: an empty /opt
    (['app.py'], [])
    >>> state.cleanup()
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.lambda_.errors import LambdaApiError

__all__ = ["CodeStore"]


class CodeStore:
    """Task roots under `<root>/code/<sha256>` and opt dirs under `<root>/opt/<hash of layer hashes>`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

    def prepare(self, spec: FunctionSpec) -> tuple[Path, Path]:
        """(task root, opt dir) for `spec`, unpacked on first use.

        Raises InvalidParameterValueException when a .zip function has no code at all.
        """
        if spec.package_type == "Zip" and not spec.code:
            raise LambdaApiError(
                "InvalidParameterValueException",
                f"function {spec.name} has no code (its .zip package is empty); upload a .zip with "
                "UpdateFunctionCode, or check the Code property of its template",
            )
        task_root = self._unpack_once(
            self.root / "code" / _safe_digest(spec.code_sha256, spec.code), [(spec.arn, spec.code)]
        )
        layer_key = hashlib.sha256("|".join(layer.code_sha256 for layer in spec.layers).encode()).hexdigest()
        opt_dir = self._unpack_once(
            self.root / "opt" / layer_key[:32], [(layer.arn, layer.code) for layer in spec.layers]
        )
        return task_root, opt_dir

    def _unpack_once(self, target: Path, archives: list[tuple[str, bytes]]) -> Path:
        with self._lock:
            if target.is_dir():
                return target
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
            try:
                for owner, data in archives:
                    _extract(owner, data, staging)
                staging.rename(target)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            return target


def _safe_digest(declared: str, data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() if not declared else hashlib.sha256(declared.encode()).hexdigest()


def _extract(owner: str, data: bytes, target: Path) -> None:
    """Unzip `data` into `target`, keeping what Lambda keeps: the executable bits (a custom `bootstrap`) and
    each file's modification time from the .zip (so the `.pyc` files a package ships stay valid where their
    recorded source times match)."""
    if not data:
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise LambdaApiError(
            "InvalidParameterValueException",
            f"the code of {owner} is not a valid zip file ({exc}); upload a .zip with UpdateFunctionCode",
        ) from exc
    with archive:
        for info in archive.infolist():
            path = Path(archive.extract(info, target))
            if info.is_dir():
                continue
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(path, mode | 0o400)
            stamp = time.mktime((*info.date_time, 0, 0, -1))
            os.utime(path, (stamp, stamp))
