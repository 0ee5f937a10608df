"""The local CA's trust bundle keeps what the process already trusted, and requests reads the default we patch."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import certifi
import pytest
import requests.adapters

from fogbank.cloud.frontdoors.tls import LocalAuthority, configured_bundle

NAMES = ["*.execute-api.us-east-1.amazonaws.com"]


def test_bundle_starts_from_the_users_configured_bundle(tmp_path: Path) -> None:
    # GIVEN a user's own CA bundle (a corporate proxy's CA, say), configured in REQUESTS_CA_BUNDLE
    user_ca = LocalAuthority.create(["proxy.corp.example"]).ca_pem
    user_bundle = tmp_path / "corp.pem"
    user_bundle.write_bytes(user_ca)
    environ = {"REQUESTS_CA_BUNDLE": str(user_bundle), "SSL_CERT_FILE": "/elsewhere.pem"}
    # WHEN the local cloud's authority writes its trust bundle from the configured one
    authority = LocalAuthority.create(NAMES)
    files = authority.write(tmp_path / "tls", trusted=configured_bundle(environ))
    # THEN the bundle trusts the user's CA and the local CA (and not certifi's roots in their place)
    bundle = files.bundle.read_bytes()
    assert user_ca in bundle and authority.ca_pem in bundle
    assert Path(certifi.where()).read_bytes() not in bundle


def test_ssl_cert_file_is_used_when_requests_ca_bundle_is_unset(tmp_path: Path) -> None:
    # GIVEN only SSL_CERT_FILE is set
    # WHEN the configured bundle is looked up
    # THEN it is SSL_CERT_FILE; with neither set there is none (certifi is used)
    assert configured_bundle({"SSL_CERT_FILE": str(tmp_path / "a.pem")}) == tmp_path / "a.pem"
    assert configured_bundle({"REQUESTS_CA_BUNDLE": ""}) is None


def test_without_a_configured_bundle_certifi_roots_are_kept(tmp_path: Path) -> None:
    # GIVEN no configured bundle
    authority = LocalAuthority.create(NAMES)
    # WHEN the bundle is written
    files = authority.write(tmp_path, trusted=None)
    # THEN it holds certifi's roots and the local CA
    bundle = files.bundle.read_bytes()
    assert bundle.startswith(Path(certifi.where()).read_bytes()) and authority.ca_pem in bundle


def test_a_configured_bundle_that_does_not_exist_is_named(tmp_path: Path) -> None:
    # GIVEN REQUESTS_CA_BUNDLE names a missing file
    missing = tmp_path / "gone.pem"
    # WHEN the bundle is written
    with pytest.raises(FileNotFoundError) as raised:
        LocalAuthority.create(NAMES).write(tmp_path / "tls", trusted=missing)
    # THEN the error names the file and the variables to fix
    assert str(missing) in str(raised.value) and "REQUESTS_CA_BUNDLE" in str(raised.value)


def test_requests_verifies_with_the_module_default_bundle_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN requests.adapters.DEFAULT_CA_BUNDLE_PATH patched, as FrontDoorsComponent.start does
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(LocalAuthority.create(NAMES).ca_pem)
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(bundle))
    connection = SimpleNamespace(cert_reqs=None, ca_certs=None, ca_cert_dir=None)
    # WHEN requests decides how to verify an https connection with verify=True (Session.send's default)
    requests.adapters.HTTPAdapter().cert_verify(connection, "https://api.example/", True, None)
    # THEN it uses the patched path: if a new requests stops reading the attribute, the patch is dead
    assert (connection.cert_reqs, connection.ca_certs) == ("CERT_REQUIRED", str(bundle))
