from __future__ import annotations

import pytest
import requests

from fogbank.auth import build_iam_auth
from fogbank.data_fetcher.retry import NotReady, until_ready
from fogbank.errors import FetchTimeoutError


def test_build_iam_auth_signs_with_the_region_of_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN credentials in the environment (no AWS call is made; signing is local)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    url = "https://abc.execute-api.eu-west-1.amazonaws.com/prod/items"
    # WHEN a request is prepared with the auth
    prepared = requests.Request("POST", url, json={"a": 1}, auth=build_iam_auth(url, "execute-api")).prepare()
    # THEN it carries a SigV4 signature scoped to the URL's region and the service
    authorization = prepared.headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in authorization
    assert "X-Amz-Date" in prepared.headers


def test_until_ready_returns_at_once_and_times_out_with_what_it_saw() -> None:
    # GIVEN an attempt that succeeds on the third call
    calls: list[int] = []

    def attempt() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise NotReady(f"{len(calls)} seen")
        return "data"

    # THEN it returns the data as soon as it is there
    assert until_ready(attempt, awaiting="data", timeout=5) == "data" and len(calls) == 3
    # AND an attempt that never succeeds raises FetchTimeoutError naming the awaited data and the last state
    with pytest.raises(FetchTimeoutError, match=r"waited 0.2 s for the answer; last seen: still empty"):
        until_ready(
            lambda: (_ for _ in ()).throw(NotReady("still empty")), awaiting="the answer", timeout=0.2
        )
