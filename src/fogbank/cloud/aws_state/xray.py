"""X-Ray's stored segments in moto (pinned 5.2.5): store segment documents, read them back per trace.

moto's `moto/xray/__init__.py` imports its mock of the X-Ray SDK, and with it `aws_xray_sdk.core`, which builds
the SDK's global recorder on import (0.12-0.45 s of a fresh cloud's CPU, on the thread that first touched
X-Ray). The local cloud never uses that mock: `install_light_package()` lets `moto.xray`'s backend, responses
and URLs be imported without it; the mock's names still load, on first use.

Example:
    >>> segment = '{"id": "70de5b6f19ff9a0a", "name": "f", "trace_id": "1-581cf771-a006649127e371903a2de979", '
    >>> segment += '"start_time": 1478293361.271, "end_time": 1478293361.449}'
    >>> put_segment_documents("eu-north-1", [segment])
    []
    >>> segment_documents("eu-north-1") == {"1-581cf771-a006649127e371903a2de979": [segment]}
    True
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types
from collections.abc import Sequence
from typing import Any

from fogbank.cloud.router import ACCOUNT_ID

__all__ = ["UnprocessedSegment", "install_light_package", "put_segment_documents", "segment_documents"]

_lock = threading.Lock()

UnprocessedSegment = dict[str, str]

# What moto's package init exports, and from which submodule (moto 5.2.5's moto/xray/__init__.py).
_PACKAGE_NAMES = {
    "xray_backends": "moto.xray.models",
    "MockXrayClient": "moto.xray.mock_client",
    "XRaySegment": "moto.xray.mock_client",
    "mock_xray_client": None,  # an instance moto's init makes: MockXrayClient()
}
_SUBMODULES = frozenset({"exceptions", "mock_client", "models", "responses", "urls"})


def install_light_package() -> None:
    """Put a `moto.xray` package in sys.modules whose names load on first use (no-op once moto.xray is imported).

    Example:
        >>> install_light_package()
        >>> from moto.xray.models import xray_backends
        >>> import moto.xray
        >>> moto.xray.xray_backends is xray_backends
        True
    """
    if "moto.xray" in sys.modules:
        return
    spec = importlib.util.find_spec("moto.xray")
    if spec is None or spec.submodule_search_locations is None:
        return
    package = types.ModuleType("moto.xray", "moto's X-Ray service; its SDK mock loads on first use (fogbank)")
    package.__spec__ = importlib.machinery.ModuleSpec("moto.xray", None, is_package=True)
    package.__spec__.submodule_search_locations = list(spec.submodule_search_locations)
    package.__path__ = list(spec.submodule_search_locations)
    package.__file__ = spec.origin
    package.__getattr__ = _package_attribute  # type: ignore[method-assign]
    sys.modules["moto.xray"] = package
    import moto

    moto.xray = package


def _package_attribute(name: str) -> Any:
    package = sys.modules["moto.xray"]
    if name in _SUBMODULES:  # `moto.xray.models` before anything imported it (`_moto_xray()`)
        return importlib.import_module(f"moto.xray.{name}")
    if name not in _PACKAGE_NAMES:
        raise AttributeError(f"module 'moto.xray' has no attribute {name!r}")
    source = _PACKAGE_NAMES[name]
    if source is None:
        value = _package_attribute("MockXrayClient")()
    else:
        value = getattr(importlib.import_module(source), name)
    setattr(package, name, value)
    return value


def _moto_xray() -> Any:
    """moto's X-Ray package, always imported as a whole first. Its `__init__` imports its models through
    `mock_client` (after the X-Ray SDK, a slow import): a thread importing `moto.xray.models` or `.exceptions`
    directly while another runs that `__init__` deadlocks or gets a partly initialised module, so the cloud's
    first segment (stored by the daemon's thread) and a first trace query at once failed. Importing the package
    waits for another thread's import of it instead."""
    import moto.xray

    return moto.xray


def _backend(region: str, account_id: str) -> Any:
    return _moto_xray().models.xray_backends[account_id][region]


def put_segment_documents(
    region: str, documents: Sequence[str], account_id: str = ACCOUNT_ID
) -> list[UnprocessedSegment]:
    """Store raw segment documents; returns the rejected ones as PutTraceSegments' UnprocessedTraceSegments."""
    bad_segment = _moto_xray().exceptions.BadSegmentException
    backend = _backend(region, account_id)
    rejected: list[UnprocessedSegment] = []
    with _lock:
        for document in documents:
            try:
                backend.process_segment(document)
            except bad_segment as bad:
                rejected.append({k: str(v) for k, v in bad.to_dict().items()})
    return rejected


def segment_documents(region: str, account_id: str = ACCOUNT_ID) -> dict[str, list[str]]:
    """Every stored raw document, grouped by trace id, in arrival order of their start time."""
    backend = _backend(region, account_id)
    with _lock:
        traces = backend._segment_collection._traces
        return {
            trace_id: [segment.raw for segment in trace["segments"]]
            for trace_id, trace in traces.items()
            if trace["segments"]
        }
