"""The session's targets: names, caching, the aws target off loopback, close(), and a local cloud started ahead
in the background (prestart) being the one `get()` hands out. Starting the session's local cloud in real pytest
sessions, or joining a running one, is tested in tests/integration/framework/test_pipeline.py and
tests/integration/framework/test_plugin.py."""

from __future__ import annotations

import os

import boto3
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


@pytest.fixture
def _keep_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(key, raising=False)


@pytest.mark.usefixtures("_keep_environment")
def test_a_prestarted_local_cloud_is_the_target_and_close_stops_it() -> None:
    # GIVEN the local target without an endpoint, started ahead
    targets = SessionTargets(default_name="local")
    try:
        targets.prestart()
        targets.prestart()  # a second call starts nothing more

        # WHEN the target is asked for
        target = targets.get(None)

        # THEN it is the started cloud's endpoint, which answers, and the environment points at it
        assert targets.cloud is not None
        assert target.endpoint_url == targets.cloud.endpoint == os.environ["AWS_ENDPOINT_URL"]
        identity = boto3.client("sts", endpoint_url=target.endpoint_url).get_caller_identity()
        assert identity["Account"] == targets.cloud.account_id
    finally:
        targets.close()
    # AND closing stopped it and restored the environment
    assert targets.cloud is None
    assert "AWS_ENDPOINT_URL" not in os.environ


@pytest.mark.parametrize(
    ("default", "endpoint"), [("aws", None), ("local", "http://127.0.0.1:9")], ids=["aws", "endpoint"]
)
def test_prestart_starts_nothing_without_a_cloud_of_its_own(default: str, endpoint: str | None) -> None:
    # GIVEN a session whose target is AWS, or a running cloud named by its endpoint
    targets = SessionTargets(default_name=default, endpoint=endpoint)

    # WHEN started ahead
    targets.prestart()

    # THEN no local cloud was started, and nothing is left to stop
    assert targets.cloud is None
    targets.close()
