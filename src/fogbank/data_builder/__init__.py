"""The seed's data builders: random names and the inputs Powertools handlers and AWS queries take.

Example:
    >>> from fogbank.data_builder import build_metric_name
    >>> build_metric_name().startswith("test_metric")
    True
"""

from __future__ import annotations

from fogbank.data_builder.common import build_random_value, build_service_name
from fogbank.data_builder.metrics import (
    build_add_dimensions_input,
    build_add_metric_input,
    build_metric_name,
    build_metric_query_data,
    build_multiple_add_metric_input,
)
from fogbank.data_builder.traces import (
    build_put_annotations_input,
    build_put_metadata_input,
    build_trace_default_query,
)

__all__ = [
    "build_add_dimensions_input",
    "build_add_metric_input",
    "build_metric_name",
    "build_metric_query_data",
    "build_multiple_add_metric_input",
    "build_put_annotations_input",
    "build_put_metadata_input",
    "build_random_value",
    "build_service_name",
    "build_trace_default_query",
]
