"""The console as a LocalCloud component: on its own port, reading the cloud through its public APIs."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.console import DEFAULT_CONSOLE_PORT

pytestmark = pytest.mark.xdist_group("cloud-console")


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def test_a_cloud_with_a_console_port_serves_the_console_until_it_stops():
    # GIVEN a cloud started with a console on any free port, and a function created through the API
    with LocalCloud(console_port=0) as cloud:
        url = cloud.console_url
        assert url is not None and url.startswith("http://127.0.0.1:") and url.endswith("/_fogbank/console/")
        assert url.split(":")[2].split("/")[0] != str(cloud.port)  # a port of its own
        cloud.client("logs").create_log_group(logGroupName="/console/probe")
        # WHEN its log search page is opened THEN it shows what the Logs API has
        assert "/console/probe" in _get(url + "logs")
        # AND the AWS endpoint does not serve the console's path
        with pytest.raises(urllib.error.HTTPError):
            _get(f"{cloud.endpoint}/_fogbank/console/stacks")
    # WHEN the cloud stops THEN the console's port is closed too
    with pytest.raises(urllib.error.URLError):
        _get(url + "stacks")


def test_no_console_unless_asked_and_a_taken_default_port_falls_back():
    # GIVEN the default console port taken by someone else
    with socket.socket() as squatter:
        try:
            squatter.bind(("127.0.0.1", DEFAULT_CONSOLE_PORT))
        except OSError:
            pytest.skip(f"port {DEFAULT_CONSOLE_PORT} is in use here already")
        squatter.listen()
        # WHEN a cloud starts without a console, and one with the default console port
        with LocalCloud() as plain:
            assert plain.console_url is None
        with LocalCloud(console_port=DEFAULT_CONSOLE_PORT) as cloud:
            # THEN the second one serves its console on another, free port
            assert cloud.console_url is not None and f":{DEFAULT_CONSOLE_PORT}/" not in cloud.console_url
            assert "Stacks" in _get(cloud.console_url + "stacks")
