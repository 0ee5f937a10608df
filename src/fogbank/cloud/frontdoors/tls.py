"""A certificate authority per local cloud, and a server certificate for the AWS host names it serves.

Example:
    >>> import tempfile
    >>> from cryptography import x509
    >>> authority = LocalAuthority.create(["*.execute-api.us-east-1.amazonaws.com"])
    >>> folder = tempfile.TemporaryDirectory()
    >>> files = authority.write(Path(folder.name))
    >>> cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    >>> names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    >>> names.get_values_for_type(x509.DNSName)
    ['*.execute-api.us-east-1.amazonaws.com']
    >>> authority.ca_pem.decode() in files.bundle.read_text()  # the trust bundle holds the new CA
    True
    >>> folder.cleanup()
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["AuthorityFiles", "LocalAuthority", "configured_bundle"]


@dataclass(frozen=True)
class AuthorityFiles:
    """Where the CA, the server certificate and the combined trust bundle were written."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    bundle: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_cert, self.server_key)
        return context


@dataclass(frozen=True)
class LocalAuthority:
    """A fresh CA (valid for a day) and a server certificate signed by it for `names`."""

    ca_pem: bytes
    cert_pem: bytes
    key_pem: bytes
    ca_key_pem: bytes = b""

    @classmethod
    def create(cls, names: list[str]) -> LocalAuthority:
        now = dt.datetime.now(dt.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fogbank local cloud CA")])
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        cert_pem, key_pem = _server_certificate(ca_key, ca_name, [x509.DNSName(name) for name in names])
        return cls(ca_cert.public_bytes(serialization.Encoding.PEM), cert_pem, key_pem, _pem_key(ca_key))

    def issue(self, directory: Path, names: list[str], addresses: list[str]) -> tuple[Path, Path]:
        """Write a server certificate for host `names` and IP `addresses`, signed by this CA; (cert, key) paths."""
        ca_key = serialization.load_pem_private_key(self.ca_key_pem, password=None)
        assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
        ca_name = x509.load_pem_x509_certificate(self.ca_pem).subject
        alternatives: list[x509.GeneralName] = [x509.DNSName(name) for name in names]
        alternatives += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
        cert_pem, key_pem = _server_certificate(ca_key, ca_name, alternatives)
        directory.mkdir(parents=True, exist_ok=True)
        cert_file, key_file = directory / "server.pem", directory / "server.key"
        cert_file.write_bytes(cert_pem)
        key_file.write_bytes(key_pem)
        key_file.chmod(0o600)
        return cert_file, key_file

    def write(self, directory: Path, trusted: Path | None = None) -> AuthorityFiles:
        """Write the PEM files, and a trust bundle: `trusted` (else certifi's roots) plus this CA.

        `trusted` is the bundle the process already used (REQUESTS_CA_BUNDLE or SSL_CERT_FILE: a corporate
        proxy's CA, say), so that pointing REQUESTS_CA_BUNDLE at the new bundle keeps trusting it.
        """
        directory.mkdir(parents=True, exist_ok=True)
        files = AuthorityFiles(
            directory / "ca.pem",
            directory / "server.pem",
            directory / "server.key",
            directory / "ca-bundle.pem",
        )
        files.ca_cert.write_bytes(self.ca_pem)
        files.server_cert.write_bytes(self.cert_pem)
        files.server_key.write_bytes(self.key_pem)
        files.server_key.chmod(0o600)
        files.bundle.write_bytes(_bundle_text(trusted) + b"\n" + self.ca_pem)
        return files


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _server_certificate(
    ca_key: ec.EllipticCurvePrivateKey, ca_name: x509.Name, alternatives: list[x509.GeneralName]
) -> tuple[bytes, bytes]:
    """A server certificate (PEM) and its key (PEM) for the subject alternative names, signed by the CA."""
    now = dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    first = alternatives[0].value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, str(first))]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM), _pem_key(key)


def configured_bundle(environ: Mapping[str, str]) -> Path | None:
    """The CA bundle a process was told to trust (REQUESTS_CA_BUNDLE, else SSL_CERT_FILE), when one is set.

    >>> configured_bundle({}) is None
    True
    """
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        value = environ.get(name)
        if value:
            return Path(value)
    return None


def _bundle_text(trusted: Path | None) -> bytes:
    """The PEM text of `trusted` (a file, or every file of a directory), else certifi's roots."""
    if trusted is None:
        return Path(certifi.where()).read_bytes()
    if trusted.is_dir():
        files = sorted(path for path in trusted.iterdir() if path.is_file())
        return b"\n".join(
            path.read_bytes() for path in files if b"-----BEGIN CERTIFICATE-----" in path.read_bytes()
        )
    if not trusted.is_file():
        raise FileNotFoundError(
            f"the configured CA bundle {trusted} does not exist; fix REQUESTS_CA_BUNDLE / SSL_CERT_FILE or unset it"
        )
    return trusted.read_bytes()
