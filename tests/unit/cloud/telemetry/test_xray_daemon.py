"""The local X-Ray daemon: the SDK's datagrams read on a loopback UDP socket, anything else ignored."""

from __future__ import annotations

import queue
import socket

import pytest

from fogbank.cloud.telemetry.xray_daemon import XRayDaemon, parse_datagram

HEADER = b'{"format": "json", "version": 1}\n'


@pytest.mark.parametrize(
    ("datagram", "document"),
    [
        (HEADER + b'{"id": "a"}', '{"id": "a"}'),
        (HEADER + b'  {"id": "b"}\n', '{"id": "b"}'),
        (HEADER, None),
        (b'{"id": "no header"}', None),
        (b'{"format": "xml"}\n{"id": "c"}', None),
        (b"not json\n{}", None),
        (b'["format", "json"]\n{}', None),
    ],
)
def test_datagrams(datagram: bytes, document: str | None) -> None:
    # WHEN a datagram is read THEN only the daemon protocol's header + document gives a document
    assert parse_datagram(datagram) == document


def test_segments_sent_to_the_daemon_reach_its_sink_and_stop_ends_it() -> None:
    # GIVEN a started daemon whose sink fails once (a bad segment must not end the listener)
    received: queue.Queue[list[str]] = queue.Queue()
    calls = {"n": 0}

    def sink(documents: list[str]) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("bad segment")
        received.put(documents)

    daemon = XRayDaemon(on_documents=sink).start()
    try:
        host, port = daemon.address.split(":")
        assert host == "127.0.0.1"
        # WHEN the SDK sends junk, a segment that fails to store, then a good one
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sdk:
            for datagram in (b"junk", HEADER + b'{"id": "first"}', HEADER + b'{"id": "second"}'):
                sdk.sendto(datagram, (host, int(port)))
            # THEN the good one arrives after the failure
            assert received.get(timeout=5) == ['{"id": "second"}']
    finally:
        daemon.stop()
    # AND after stop the daemon has no address, and stopping again is harmless
    with pytest.raises(RuntimeError, match="not started"):
        _ = daemon.address
    daemon.stop()
