"""The canary function `fogbank layer verify` deploys with a published layer (shipped as its code).

It imports the library from the layer and reports what it found; it depends on nothing but the standard
library, so it proves the layer alone.

Example:
    >>> handler({"distribution": "pip", "module": "json"}, None)["module"]
    'json'
"""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
from typing import Any


def handler(event: dict[str, str], context: Any) -> dict[str, Any]:
    """Import `event["module"]` and report `event["distribution"]`'s version and where it came from."""
    module = importlib.import_module(event["module"])
    return {
        "module": event["module"],
        "version": importlib.metadata.version(event["distribution"]),
        "module_file": getattr(module, "__file__", None),
        "machine": platform.machine(),
        "python": platform.python_version(),
    }
