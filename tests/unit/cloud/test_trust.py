"""ProcessTrust: the shim and the CA settings a cloud installs in this process, and their removal."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import requests.adapters as requests_adapters

from fogbank.cloud.frontdoors.shim import ConnectionShim
from fogbank.cloud.trust import CA_BUNDLE_ENV, ProcessTrust
from fogbank.errors import CloudError


def test_remove_puts_every_setting_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # GIVEN a process that already trusted a bundle of its own
    monkeypatch.setenv(CA_BUNDLE_ENV, "/etc/corporate.pem")
    default_before, connect_before = requests_adapters.DEFAULT_CA_BUNDLE_PATH, socket.create_connection
    trust = ProcessTrust(ConnectionShim())

    # WHEN the cloud's trust is installed
    trust.install(tmp_path / "bundle.pem")
    # THEN requests and the environment use the cloud's bundle, and connections go through the shim
    assert str(tmp_path / "bundle.pem") == requests_adapters.DEFAULT_CA_BUNDLE_PATH
    assert socket.create_connection is not connect_before and trust.installed

    # WHEN it is removed (twice: stop is idempotent)
    trust.remove()
    trust.remove()
    # THEN every previous value is back
    assert default_before == requests_adapters.DEFAULT_CA_BUNDLE_PATH
    assert socket.create_connection is connect_before
    assert os.environ[CA_BUNDLE_ENV] == "/etc/corporate.pem" and not trust.installed


def test_installing_twice_is_refused(tmp_path: Path) -> None:
    # GIVEN installed trust settings
    trust = ProcessTrust(ConnectionShim())
    trust.install(tmp_path / "a.pem")
    try:
        # WHEN they are installed again THEN it is refused, naming what to do
        with pytest.raises(CloudError, match="already installed"):
            trust.install(tmp_path / "b.pem")
    finally:
        trust.remove()


def test_two_clouds_trust_settings_come_off_in_any_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # GIVEN a process with a bundle of its own, and two clouds' trust installed one after the other
    monkeypatch.setenv(CA_BUNDLE_ENV, "/etc/corporate.pem")
    default_before = requests_adapters.DEFAULT_CA_BUNDLE_PATH
    first, second = ProcessTrust(ConnectionShim()), ProcessTrust(ConnectionShim())
    first.install(tmp_path / "first.pem")
    second.install(tmp_path / "second.pem")
    try:
        # WHEN the first cloud stops while the second still runs
        first.remove()
        # THEN the second cloud's bundle stays in effect (not the process's old one)
        assert os.environ[CA_BUNDLE_ENV] == str(tmp_path / "second.pem")
        assert str(tmp_path / "second.pem") == requests_adapters.DEFAULT_CA_BUNDLE_PATH
    finally:
        # WHEN the second stops too
        second.remove()
    # THEN the process's own settings are back, not the first cloud's bundle
    assert os.environ[CA_BUNDLE_ENV] == "/etc/corporate.pem"
    assert default_before == requests_adapters.DEFAULT_CA_BUNDLE_PATH
