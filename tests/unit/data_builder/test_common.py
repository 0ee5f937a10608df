from __future__ import annotations

import string

from fogbank import data_builder


def test_random_value_has_the_requested_length_and_alphabet():
    # GIVEN a length
    # WHEN building two random values
    first = data_builder.build_random_value(nchars=16)
    second = data_builder.build_random_value(nchars=16)
    # THEN both are letters and digits of that length, and they differ
    assert len(first) == 16 and set(first) <= set(string.ascii_letters + string.digits)
    assert first != second


def test_random_value_by_bytes_is_the_seeds_token_without_dashes():
    # GIVEN / WHEN a value is built as the seed builds it
    value = data_builder.build_random_value(nbytes=30)
    # THEN it is URL-safe base64 of that many bytes, without "-"
    assert "-" not in value and 30 <= len(value) <= 40
    assert set(value) <= set(string.ascii_letters + string.digits + "_")


def test_service_names_are_prefixed_and_unique():
    # GIVEN / WHEN service names are built twice
    services = {data_builder.build_service_name() for _ in range(2)}
    # THEN they carry the seed's prefix and never repeat
    assert len(services) == 2 and all(name.startswith("test_service") for name in services)
