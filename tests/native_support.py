"""Test support for native libraries in Lambda functions: builds with gcc a shared library a layer ships
(libfrom_layer.so: from_layer() == 7), one the code ships (libfrom_code.so: from_code() == 8), an extension
module and an executable linked against the first by name (-l, no rpath), and zips them with their modes.

Imported by name (`from native_support import build_native`), as lambda_support is.

Example (skipped as a doctest: it runs gcc):
    >>> out = build_native(Path("/tmp/native"))  # doctest: +SKIP
    >>> sorted(p.name for p in out.iterdir() if "." not in p.name or p.suffix == ".so")  # doctest: +SKIP
    ['libfrom_code.so', 'libfrom_layer.so', 'linked.so', 'tool']
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sysconfig
import zipfile
from pathlib import Path

__all__ = ["PYTHON_APP", "build_native", "zip_files"]

EXTENSION = """
#include <Python.h>
int from_layer(void);
static PyObject *call(PyObject *self, PyObject *args) { return PyLong_FromLong(from_layer()); }
static PyMethodDef methods[] = {{"call", call, METH_NOARGS, ""}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "linked", NULL, -1, methods};
PyMODINIT_FUNC PyInit_linked(void) { return PyModule_Create(&module); }
"""
TOOL = (
    '#include <stdio.h>\nint from_layer(void);\nint main(void) { printf("%d\\n", from_layer()); return 0; }\n'
)

PYTHON_APP = """
import ctypes, os, subprocess

def handler(event, context):
    result = {"ld_library_path": os.environ.get("LD_LIBRARY_PATH")}
    for name in event["load"]:
        try:
            lib = ctypes.CDLL(name)
            result[name] = getattr(lib, name[3:-3])()
        except OSError as exc:
            result[name] = str(exc)
    if event.get("extension"):
        import linked
        result["extension"] = linked.call()
    if event.get("tool"):
        result["tool"] = subprocess.run([event["tool"]], capture_output=True, text=True).stdout.strip()
    return result
"""


def build_native(out: Path) -> Path | None:
    """Build the libraries, the extension (`linked`) and the executable (`tool`) into `out`; None without gcc."""
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    (out / "layer.c").write_text("int from_layer(void) { return 7; }\n")
    (out / "code.c").write_text("int from_code(void) { return 8; }\n")
    (out / "linked.c").write_text(EXTENSION)
    (out / "tool.c").write_text(TOOL)
    include = sysconfig.get_paths()["include"]
    for command in (
        [gcc, "-shared", "-fPIC", "-o", "libfrom_layer.so", "layer.c"],
        [gcc, "-shared", "-fPIC", "-o", "libfrom_code.so", "code.c"],
        [gcc, "-shared", "-fPIC", f"-I{include}", "-o", "linked.so", "linked.c", "-L.", "-lfrom_layer"],
        [gcc, "-o", "tool", "tool.c", "-L.", "-lfrom_layer"],
    ):
        subprocess.run(command, cwd=out, check=True, capture_output=True)
    return out


def zip_files(files: dict[str, bytes | str]) -> bytes:
    """A .zip of `files` (name -> content): executable but for .py and .js files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o755 if not name.endswith((".py", ".js")) else 0o644) << 16
            archive.writestr(info, content)
    return buffer.getvalue()
