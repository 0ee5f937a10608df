"""ConnectionShim: host names of the front doors sent to loopback listeners, for one or several clouds."""

from __future__ import annotations

import socket

from fogbank.cloud.frontdoors.shim import ConnectionShim


def _resolved(host: str, port: int) -> tuple[str, int]:
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    address: tuple[str, int] = info[0][4][:2]
    return address


def test_exact_hosts_win_over_suffixes_and_other_hosts_are_left_alone() -> None:
    # GIVEN a shim with a suffix and an exact host on the same port
    shim = ConnectionShim()
    shim.map_suffix(".on.aws", 443, ("127.0.0.1", 9001))
    shim.map_host("special.on.aws", 443, ("127.0.0.1", 9002))
    # WHEN hosts are looked up THEN the exact host wins, case and a trailing dot do not matter
    assert shim.target("Special.On.Aws.", 443) == ("127.0.0.1", 9002)
    assert shim.target("other.on.aws", 443) == ("127.0.0.1", 9001)
    # AND another port or host is not mapped
    assert shim.target("other.on.aws", 80) is None
    assert shim.target("example.com", 443) is None
    # WHEN the suffix is unmapped THEN only the exact host is left
    shim.unmap_suffix(".On.Aws", 443)
    assert shim.target("other.on.aws", 443) is None


def test_getaddrinfo_answers_the_listener_while_installed() -> None:
    # GIVEN an installed shim for a host name that does not resolve on this machine
    shim = ConnectionShim()
    shim.map_host("api.fogbank-shim-test.invalid", 443, ("127.0.0.1", 40443))
    shim.install()
    try:
        # WHEN it is resolved THEN the answer is the listener's address
        assert _resolved("api.fogbank-shim-test.invalid", 443) == ("127.0.0.1", 40443)
    finally:
        shim.uninstall()
    # THEN after uninstall the shim is gone
    assert not shim.installed


def test_two_shims_stack_and_uninstall_in_any_order() -> None:
    # GIVEN two clouds' shims installed one after the other, each mapping its own host
    original_connect, original_resolve = socket.create_connection, socket.getaddrinfo
    first, second = ConnectionShim(), ConnectionShim()
    first.map_host("first.fogbank-shim-test.invalid", 443, ("127.0.0.1", 40001))
    second.map_host("second.fogbank-shim-test.invalid", 443, ("127.0.0.1", 40002))
    first.install()
    second.install()
    try:
        # WHEN both are installed THEN both hosts resolve to their listeners
        assert _resolved("first.fogbank-shim-test.invalid", 443) == ("127.0.0.1", 40001)
        assert _resolved("second.fogbank-shim-test.invalid", 443) == ("127.0.0.1", 40002)
        # WHEN the first (not the newest) is uninstalled
        first.uninstall()
        # THEN the second still routes, and the first's host is no longer mapped
        assert _resolved("second.fogbank-shim-test.invalid", 443) == ("127.0.0.1", 40002)
        assert socket.getaddrinfo is not original_resolve
        assert not first.installed and second.installed
    finally:
        second.uninstall()
    # THEN with no shim installed the process's own functions are back
    assert socket.create_connection is original_connect and socket.getaddrinfo is original_resolve
