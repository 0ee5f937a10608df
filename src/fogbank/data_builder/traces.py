"""Inputs for Powertools Tracer handlers and X-Ray queries (the seed's builders).

Example:
    >>> build_trace_default_query("my-function")
    'service(id(name: "my-function"))'
    >>> build_put_annotations_input(order_id="1")
    [{'key': 'order_id', 'value': '1'}]
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_put_annotations_input", "build_put_metadata_input", "build_trace_default_query"]


def build_trace_default_query(function_name: str) -> str:
    """The X-Ray filter expression that selects a function's traces (the seed's form)."""
    return f'service(id(name: "{function_name}"))'


def build_put_annotations_input(**annotations: str) -> list[dict[str, Any]]:
    """Arguments for Tracer's `put_annotation`, one dict per annotation."""
    return [{"key": key, "value": value} for key, value in annotations.items()]


def build_put_metadata_input(namespace: str | None = None, **metadata: Any) -> list[dict[str, Any]]:
    """Arguments for Tracer's `put_metadata`, one dict per key, all in `namespace`.

    Example:
        >>> build_put_metadata_input(namespace="app", cart={"items": 1})
        [{'key': 'cart', 'value': {'items': 1}, 'namespace': 'app'}]
    """
    return [{"key": key, "value": value, "namespace": namespace} for key, value in metadata.items()]
