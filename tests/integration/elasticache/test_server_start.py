"""A cache server's start waits for the server's own READY=1, or its exit; real redis-server processes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from fogbank.cloud.elasticache.server import RedisServer, ServerSpec
from fogbank.cloud.lambda_.process import Spawner
from fogbank.errors import CloudError


@pytest.fixture
def spawner() -> Iterator[Spawner]:
    spawner = Spawner()
    yield spawner
    spawner.close()


def _free_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def test_a_started_server_answers_at_once(tmp_path: Path, spawner: Spawner) -> None:
    # GIVEN a cache server spec on a loopback address
    spec = ServerSpec(address="127.0.0.1", port=_free_port("127.0.0.1"), data_dir=tmp_path / "node")
    # WHEN it is started
    node = RedisServer.start(spec, spawner)
    try:
        # THEN it is running and answers PING on its address right away
        assert node.running
        with socket.create_connection((spec.address, spec.port), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            assert connection.recv(16).startswith(b"+PONG")
    finally:
        node.stop()
    # AND stopping it ends the process and removes its data
    assert not node.running and not spec.data_dir.exists()


def test_a_server_that_exits_at_start_fails_with_its_log(tmp_path: Path, spawner: Spawner) -> None:
    # GIVEN a setting the server refuses (it exits at once instead of getting ready)
    spec = ServerSpec(
        address="127.0.0.1",
        port=_free_port("127.0.0.1"),
        data_dir=tmp_path / "node",
        parameters=(("maxmemory-policy", "not-a-policy"),),
    )
    # WHEN it is started
    # THEN the start fails naming the exit (not the ready deadline) and the server's own complaint
    with pytest.raises(CloudError, match=r"exited at start \(code 1\): .*maxmemory-policy"):
        RedisServer.start(spec, spawner)
    assert not spec.data_dir.exists()
