"""The console's JSON views refuse malformed input with a 400 that says what was expected."""

from __future__ import annotations

import json

import pytest
from werkzeug.wrappers import Request

from fogbank.cloud.console.app import ConsoleApp
from fogbank.cloud.console.views import metric_series


class _NoReads:
    """A reader that must not be reached: bad input is refused before any read."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the reader was asked for {name}")


@pytest.mark.parametrize("metric", ["not json", "[]", "{}", '{"Namespace": "N"}'])
def test_a_metric_that_is_not_a_metric_object_is_a_400(metric: str) -> None:
    # GIVEN a metric query that is not JSON, or not an object naming Namespace and MetricName
    app = ConsoleApp(_NoReads(), port=4580)  # type: ignore[arg-type]
    request = Request.from_values("/_fogbank/console/api/metric", query_string={"metric": metric})
    # WHEN the series is asked for
    response = metric_series(app, request)
    # THEN it is a 400 naming what a metric must hold, and nothing was read
    assert response.status_code == 400
    assert "Namespace, MetricName" in json.loads(response.get_data())["error"]
