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
from fogbank.cloud.lambda_.machine_cache import evict_least_recently_used, hold, mark_used, release

__all__ = ["PRIVATE_SUFFIX", "SHARED_LAYER_IDLE_S", "SHARED_LAYER_SETS", "CodeStore"]


# Unpacked layer sets kept in the machine's shared cache besides those a running cloud uses (the AWS CLI layer
# is about 48 MB unpacked), and how long one stays in any case after its last use.
SHARED_LAYER_SETS = 8
SHARED_LAYER_IDLE_S = 600.0
# Name suffix of a layer set's writable copy of this cloud's own where `<root>/opt/<key>` links to the machine's.
PRIVATE_SUFFIX = "-own"


class CodeStore:
    """Task roots under `<root>/code/<sha256>` and opt dirs under `<root>/opt/<hash of layer hashes>`.

    With `shared` (a directory of the machine's cache), a layer set that is shown read-only at /opt is unpacked
    once per machine into `<shared>/<key>` (its key is made of the layers' CodeSha256s, so it is the same
    content in every cloud), and `<root>/opt/<key>` links to it: a cloud that has just started does not unpack
    the AWS CLI's 4,300 files again (0.3 s to over 3 s on this machine's disk, by how busy it is).
    """

    def __init__(self, root: Path, shared: Path | None = None) -> None:
        self.root = root
        self._shared = shared
        self._lock = threading.Lock()
        self._evicted = False
        self._held: dict[str, int] = {}  # shared layer sets this cloud uses: never evicted meanwhile
        self._closed = False  # a prepare after close (a start under way as the cloud stops) holds nothing

    def prepare(self, spec: FunctionSpec, *, share_layers: bool = False) -> tuple[Path, Path]:
        """(task root, opt dir) for `spec`, unpacked on first use. `share_layers` only where the environment
        sees the layers read-only (its /opt), so no function can change the copy other clouds use.

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
        archives = [(layer.arn, layer.code) for layer in spec.layers]
        opt_dir = self.root / "opt" / layer_key[:32]
        if (
            share_layers
            and self._shared is not None
            and spec.layers
            and all(layer.code_sha256 for layer in spec.layers)
        ):
            return task_root, self._link_shared(opt_dir, archives, self._shared)
        return task_root, self._unpack_once(opt_dir, archives)

    def _link_shared(self, target: Path, archives: list[tuple[str, bytes]], shared: Path) -> Path:
        """`target` as a link to the machine's copy of this layer set, unpacked there first if no cloud did."""
        entry = shared / target.name
        with self._lock:
            if target.exists() and not target.is_symlink():  # unpacked here before (not shown read-only then)
                return target
            if not self._closed and target.name not in self._held:  # first: an eviction under way finishes
                shared.mkdir(parents=True, exist_ok=True)
                self._held[target.name] = hold(entry)
            if not entry.is_dir():  # first use on this machine
                entry.parent.mkdir(parents=True, exist_ok=True)
                staging = _staging(shared)
                try:
                    for owner, data in archives:
                        _extract(owner, data, staging)
                    staging.rename(entry)
                except OSError:
                    if not entry.is_dir():  # not another cloud that unpacked it first
                        raise
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
            mark_used(entry)
            if not target.is_symlink():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(entry, target_is_directory=True)
            if not self._evicted:  # once per cloud
                self._evicted = True
                evict_least_recently_used(shared, SHARED_LAYER_SETS, idle_s=SHARED_LAYER_IDLE_S, held=True)
            return target

    def close(self) -> None:
        """Release the shared layer sets this cloud used (other clouds may evict them now). Idempotent."""
        with self._lock:
            for descriptor in self._held.values():
                release(descriptor)
            self._held.clear()
            self._closed = True

    def _unpack_once(self, target: Path, archives: list[tuple[str, bytes]]) -> Path:
        """`target`, unpacked there on first use; if `target` links to the machine's copy (this layer set was
        shown read-only before, then the environments lost their read-only /opt), a copy of this cloud's own
        beside it instead: a function that may write there must never write the copy other clouds use."""
        with self._lock:
            if target.is_symlink():
                target = target.with_name(f"{target.name}{PRIVATE_SUFFIX}")
            if target.is_dir():
                return target
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = _staging(target.parent)
            try:
                for owner, data in archives:
                    _extract(owner, data, staging)
                staging.rename(target)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            return target


def _staging(parent: Path) -> Path:
    """A new directory to unpack into, then renamed into place: drwxr-xr-x, as Lambda's /opt and /var/task are
    (mkdtemp makes it private to its owner)."""
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=parent))
    staging.chmod(0o755)
    return staging


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
