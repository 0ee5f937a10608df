"""Publish the library under test as a public Lambda layer in every region, and verify it there.

The seed's release TODO ("verify SAR and Lambda Layers deployment") as two commands, `fogbank layer publish`
and `fogbank layer verify`. Both use boto3's standard credential chain and honour AWS_ENDPOINT_URL, so they
run the same way against AWS and against a local cloud.

Example:
    >>> from fogbank.layer_release import zip_layer, layer_name
    >>> layer_name("mylib", "3.11", "x86_64")
    'mylib-python311-x86_64'
"""

from __future__ import annotations

from fogbank.layer_release.archive import LayerArchive, zip_layer
from fogbank.layer_release.aws import boto3_clients, parse_architectures, resolve_regions
from fogbank.layer_release.library import LayerLibrary, configured_distribution, layer_name, library_in
from fogbank.layer_release.publish import LayerPublisher
from fogbank.layer_release.record import LayerEntry, LayerRecord
from fogbank.layer_release.verify import LayerVerifier, VerifyReport, VerifyResult

__all__ = [
    "LayerArchive",
    "LayerEntry",
    "LayerLibrary",
    "LayerPublisher",
    "LayerRecord",
    "LayerVerifier",
    "VerifyReport",
    "VerifyResult",
    "boto3_clients",
    "configured_distribution",
    "layer_name",
    "library_in",
    "parse_architectures",
    "resolve_regions",
    "zip_layer",
]
