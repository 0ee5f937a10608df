"""A layer folder as a reproducible .zip: the same files always give the same bytes and the same hash.

Entries are sorted, dated 1980-01-01 and carry fixed permissions, so the hash depends only on paths and
contents. That hash is what makes `fogbank layer publish` idempotent.

Example:
    >>> import tempfile, pathlib
    >>> layer = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(layer.name)
    >>> _ = (folder / "python").mkdir(), (folder / "python" / "lib.py").write_text("x = 1")
    >>> first, second = zip_layer(folder), zip_layer(folder)
    >>> first.sha256 == second.sha256 and first.data == second.data
    True
    >>> layer.cleanup()
"""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fogbank.errors import LayerBuildError

__all__ = ["LayerArchive", "zip_layer"]

_EPOCH = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = (stat.S_IFREG | 0o644) << 16
_EXECUTABLE_MODE = (stat.S_IFREG | 0o755) << 16


@dataclass(frozen=True)
class LayerArchive:
    """The zipped layer: its bytes and the hex sha256 of those bytes."""

    data: bytes
    sha256: str

    @property
    def size_mb(self) -> float:
        return len(self.data) / 1_000_000


def zip_layer(folder: Path) -> LayerArchive:
    """Zip every file under `folder` (paths relative to it), reproducibly."""
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    if not files:
        raise LayerBuildError(f"the layer folder {folder} holds no files; build the layer first")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _EXECUTABLE_MODE if path.stat().st_mode & 0o111 else _FILE_MODE
            archive.writestr(info, path.read_bytes())
    data = buffer.getvalue()
    return LayerArchive(data=data, sha256=hashlib.sha256(data).hexdigest())
