"""The session's targets, for what needs no cloud: names, caching, the aws target off loopback, and close().
Starting the session's local cloud, or joining a running one, is tested in real pytest sessions in
tests/integration/framework/test_pipeline.py and tests/integration/framework/test_plugin.py."""

from __future__ import annotations

import pytest

from fogbank.errors import TargetError
from fogbank.pytest_plugin.session import SessionTargets


def test_an_unknown_target_names_the_choices() -> None:
    # GIVEN a session whose default target is misspelt / WHEN its target is asked for THEN the error says so
    with pytest.raises(TargetError, match="target 'lcoal' is unknown; choose local or aws"):
        SessionTargets(default_name="lcoal").get(None)


def test_the_aws_target_is_made_once_and_not_rehearsed_off_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN AWS credentials and region, and an endpoint that is not on loopback (a corporate proxy, say)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://aws-proxy.example.org")
    targets = SessionTargets(default_name="local")
    # WHEN the aws target is asked for twice (nothing is called on it yet)
    first, second = targets.get("aws"), targets.get("aws")
    # THEN it is one target, for AWS, and no local cloud was started nor any front door rehearsed
    assert first is second and first.name == "aws" and first.region == "eu-west-1"
    assert targets.cloud is None and targets._remote_doors is None
    # AND closing forgets it (the next get makes a new one) and can be repeated
    targets.close()
    targets.close()
    assert targets.get("aws") is not first
