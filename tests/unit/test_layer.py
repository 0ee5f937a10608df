"""The layer manifest that fogbank.layer writes next to `python/` (read by the local cloud's native check)."""

from __future__ import annotations

import json
from pathlib import Path

from fogbank.cloud.lambda_.native_check import LAYER_MANIFEST as CHECKED_NAME
from fogbank.layer import LAYER_MANIFEST, _write_manifest


def test_manifest_lists_the_native_extensions_and_the_architecture(tmp_path: Path) -> None:
    # GIVEN a built layer folder with one extension module and one pure module
    (tmp_path / "python" / "pkg").mkdir(parents=True)
    (tmp_path / "python" / "pkg" / "fast.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    (tmp_path / "python" / "pkg" / "slow.py").write_text("x = 1")

    # WHEN the manifest is written for x86_64
    _write_manifest(tmp_path, "x86_64")

    # THEN it names the extension (relative to the layer root) and the architecture, under the name the check reads
    manifest = json.loads((tmp_path / LAYER_MANIFEST).read_text())
    assert manifest == {
        "built_by": "fogbank",
        "architecture": "x86_64",
        "native_extensions": ["python/pkg/fast.cpython-311-x86_64-linux-gnu.so"],
    }
    assert LAYER_MANIFEST == CHECKED_NAME
