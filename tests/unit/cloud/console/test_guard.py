"""The console refuses what does not come from its own pages."""

from __future__ import annotations

import pytest
from werkzeug.wrappers import Request

from fogbank.cloud.console.guard import refusal

PORT = 4580
OWN = f"http://127.0.0.1:{PORT}"


def _request(method: str = "GET", content_type: str | None = None, **headers: str) -> Request:
    all_headers = {"Host": f"127.0.0.1:{PORT}", **{k.replace("_", "-"): v for k, v in headers.items()}}
    return Request.from_values(
        "/_fogbank/console/stacks", method=method, headers=all_headers, content_type=content_type
    )


def test_a_page_of_the_console_is_served():
    # GIVEN a plain navigation, and a same-origin fetch WHEN checked THEN both pass
    assert refusal(_request(), PORT) is None
    assert refusal(_request(Origin=OWN, Sec_Fetch_Site="same-origin"), PORT) is None


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"Origin": "http://evil.example"}, "another origin"),
        ({"Sec_Fetch_Site": "cross-site"}, "another site"),
        ({"Host": "evil.example:4580"}, "is not this console"),
    ],
)
def test_other_origins_sites_and_hosts_are_refused(headers: dict[str, str], why: str):
    # GIVEN a request from another origin, another site, or through a rebound host name
    # WHEN checked THEN it is refused, saying why
    assert why in (refusal(_request(**headers), PORT) or "")


def test_a_change_needs_the_consoles_origin_and_json():
    # GIVEN POSTs (the test invoke): without Origin, as a form, and as the console's page sends it
    # THEN only the last one passes
    assert "Origin" in (refusal(_request("POST", "application/json"), PORT) or "")
    assert "application/json" in (refusal(_request("POST", "text/plain", Origin=OWN), PORT) or "")
    assert refusal(_request("POST", "application/json", Origin=OWN), PORT) is None
