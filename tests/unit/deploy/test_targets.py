from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.deploy.targets import resolve_target
from fogbank.errors import TargetError


@pytest.fixture
def no_aws_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials or region anywhere; instance metadata disabled, so nothing leaves the machine."""
    for name in (
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
        "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "FOGBANK_TARGET", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_aws_target_without_credentials_says_how_to_configure_them(
    no_aws_configuration: None, monkeypatch: pytest.MonkeyPatch
):
    # GIVEN a region but no credentials in the default chain
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    target = resolve_target("aws")
    # WHEN the account is needed (synth needs it)
    with pytest.raises(TargetError) as caught:
        _ = target.account
    # THEN the error names the target and the ways to configure credentials
    assert "no AWS credentials for the aws target" in str(caught.value)
    assert "AWS_PROFILE" in str(caught.value)


def test_aws_target_without_region_says_how_to_set_it(no_aws_configuration: None):
    # GIVEN no region anywhere / WHEN the target's region is needed
    target = resolve_target("aws")
    with pytest.raises(TargetError) as caught:
        _ = target.region
    # THEN the error says which variable to set
    assert "no AWS region for the aws target; set AWS_REGION" in str(caught.value)


def test_local_target_without_a_cloud_is_a_clear_error(no_aws_configuration: None):
    # GIVEN no endpoint and no pytest session target / WHEN the local target is resolved
    from fogbank.deploy import targets

    previous = targets._target_factory
    targets.set_target_factory(None)
    try:
        with pytest.raises(TargetError) as caught:
            resolve_target("local")
    finally:
        targets.set_target_factory(previous)
    # THEN it says how to get one
    assert "no local cloud to deploy to" in str(caught.value) and "fogbank cloud start" in str(caught.value)


def test_unknown_target_is_rejected():
    with pytest.raises(TargetError, match="target 'gcp' is unknown"):
        resolve_target("gcp", endpoint="http://127.0.0.1:1")
