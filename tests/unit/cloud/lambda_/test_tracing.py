"""X-Ray trace context of one invocation: the caller's header, Active and PassThrough sampling."""

from __future__ import annotations

import re

from fogbank.cloud.lambda_.tracing import TraceContext


def test_active_tracing_samples_and_keeps_the_callers_root() -> None:
    # GIVEN an incoming header without a sampling decision
    header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8"

    # WHEN an Active function is invoked with it
    trace = TraceContext.for_invocation(header, "Active")

    # THEN the root is kept, the function gets its own parent id and is sampled
    assert trace.root == "1-5759e988-bd862e3fe1be46a994272793"
    assert trace.sampled
    assert trace.function_header == f"Root={trace.root};Parent={trace.function_segment_id};Sampled=1"
    assert trace.function_segment_id != trace.service_segment_id


def test_pass_through_follows_the_caller() -> None:
    # WHEN a PassThrough function is invoked without a header, and with Sampled=1
    fresh = TraceContext.for_invocation(None, "PassThrough")
    sampled = TraceContext.for_invocation("Root=1-00000000-000000000000000000000000;Sampled=1", "PassThrough")

    # THEN it is unsampled with a fresh X-Ray root, or sampled as the caller said
    assert not fresh.sampled and fresh.root.startswith("1-") and len(fresh.root) == 35
    assert sampled.sampled


def test_a_caller_that_said_sampled_0_is_not_sampled_even_when_active() -> None:
    # WHEN an Active function is invoked by a caller that decided not to sample
    trace = TraceContext.for_invocation("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0", "Active")

    # THEN the caller's decision holds, and the header the function sees says so
    assert not trace.sampled
    assert trace.function_header.endswith(";Sampled=0")


def test_the_callers_parent_is_kept_and_new_ids_have_xrays_format() -> None:
    # GIVEN a header with spaces and a Parent, in any order
    trace = TraceContext.for_invocation(
        " Parent=53995c3f42cd8ad8 ; Root=1-5759e988-bd862e3fe1be46a994272793", "Active"
    )
    fresh = TraceContext.for_invocation("garbage-without-fields", "Active")

    # THEN the caller's parent is kept; a header without fields gets a fresh root and 16-hex segment ids
    assert trace.caller_parent == "53995c3f42cd8ad8"
    assert trace.root == "1-5759e988-bd862e3fe1be46a994272793"
    assert re.fullmatch(r"1-[0-9a-f]{8}-[0-9a-f]{24}", fresh.root)
    assert re.fullmatch(r"[0-9a-f]{16}", fresh.function_segment_id)
    assert fresh.caller_parent is None
