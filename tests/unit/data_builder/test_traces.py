from __future__ import annotations

from fogbank import data_builder


def test_trace_builders():
    # GIVEN / WHEN building trace inputs
    query = data_builder.build_trace_default_query("my-fn")
    annotations = data_builder.build_put_annotations_input(order_id="42", tenant="t1")
    metadata = data_builder.build_put_metadata_input(namespace="orders", cart={"items": 2})
    # THEN they match the seed's shapes
    assert query == 'service(id(name: "my-fn"))'
    assert annotations == [{"key": "order_id", "value": "42"}, {"key": "tenant", "value": "t1"}]
    assert metadata == [{"key": "cart", "value": {"items": 2}, "namespace": "orders"}]
