"""Cache servers are real redis-server processes: TLS with the local CA, loopback addresses, data removed."""

import socket
from pathlib import Path

import pytest
import redis

from fogbank.cloud.elasticache.component import ElastiCacheComponent
from fogbank.cloud.frontdoors.tls import LocalAuthority
from fogbank.cloud.site import CloudSite


class AuthorityIssuer:
    """The front doors' certificate issuing, without starting the front doors."""

    def __init__(self, directory: Path) -> None:
        self.authority = LocalAuthority.create(["*.example.test"])
        self.files = self.authority.write(directory / "ca")

    def issue_certificate(self, directory: Path, names: list[str], addresses: list[str]) -> tuple[Path, Path]:
        return self.authority.issue(directory, names, addresses)


@pytest.fixture
def caches(tmp_path: Path):
    issuer = AuthorityIssuer(tmp_path)
    component = ElastiCacheComponent(CloudSite("http://127.0.0.1:1", tmp_path / "state"), certificates=issuer)
    component.start()
    component.issuer = issuer  # type: ignore[attr-defined]
    yield component
    component.stop()


def test_tls_cache_is_trusted_through_the_local_ca(caches: ElastiCacheComponent):
    # GIVEN a TLS cache
    endpoint = caches.create_cache("serverless-1", tls=True)

    # WHEN a client that verifies the certificate against the local CA writes and reads
    client = redis.Redis(
        host=endpoint.address, port=endpoint.port, ssl=True, ssl_ca_certs=str(caches.issuer.files.ca_cert)
    )
    client.set("k", "v")

    # THEN it is a real Redis on its own loopback address and the template port
    assert client.get("k") == b"v"
    assert endpoint.address.startswith("127.") and endpoint.port == 6379
    client.close()


def test_plain_cache_and_delete_removes_the_server_and_its_data(caches: ElastiCacheComponent, tmp_path: Path):
    # GIVEN a plain cache with data
    endpoint = caches.create_cache("cluster-1", tls=False, port=6380)
    client = redis.Redis(host=endpoint.address, port=endpoint.port)
    client.set("k", "v")

    # WHEN it is deleted
    caches.delete_cache("cluster-1")

    # THEN nothing answers there any more and its data directory is gone
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((endpoint.address, endpoint.port), timeout=0.5)
    assert not (tmp_path / "state" / "elasticache" / "cluster-1").exists()
    assert caches.endpoint("cluster-1") is None


def test_stopping_removes_every_cache_and_its_certificates(caches: ElastiCacheComponent, tmp_path: Path):
    # GIVEN a TLS cache
    endpoint = caches.create_cache("serverless-2", tls=True)
    tls_dirs = [path for path in (tmp_path / "state" / "elasticache").iterdir() if path.name.endswith("-tls")]
    assert tls_dirs

    # WHEN the component stops
    caches.stop()

    # THEN the server no longer answers and its certificate folder is gone
    with pytest.raises(OSError), socket.create_connection((endpoint.address, endpoint.port), timeout=2):
        pass
    assert not any(path.exists() for path in tls_dirs)


def test_the_same_id_cannot_start_twice_even_while_the_first_is_starting(caches: ElastiCacheComponent):
    # GIVEN a cache id whose start is under way (reserved, server not yet recorded)
    caches._starting["racing"] = "127.9.9.9"

    # WHEN the same id is created again / THEN it is refused instead of starting a second server
    with pytest.raises(Exception, match="already runs"):
        caches.create_cache("racing", tls=False)
