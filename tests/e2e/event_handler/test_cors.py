"""CORS as Powertools' CORSConfig applies it, behind each front door."""

import pytest

from fogbank import data_fetcher

pytestmark = pytest.mark.xdist_group(name="event_handler")

ALLOWED_ORIGIN = "https://www.example.com"
EXTRA_ORIGIN = "https://www.example.org"
UNKNOWN_ORIGIN = "https://www.example.net"


@pytest.mark.parametrize("door", ["alb", "rest", "http", "url"])
@pytest.mark.parametrize("origin", [ALLOWED_ORIGIN, EXTRA_ORIGIN])
def test_cors_with_allowed_origin(door_request, door: str, origin: str):
    # GIVEN a request from an origin the CORSConfig allows
    request = door_request(door, "POST", "todos", json={"body": "Hello World"}, headers={"Origin": origin})

    # WHEN
    response = data_fetcher.get_http_response(request)

    # THEN the answer allows that origin
    assert response.status_code == 200
    assert response.content == b"Hello World"
    assert response.headers["Access-Control-Allow-Origin"] == origin


@pytest.mark.parametrize("door", ["alb", "rest", "http", "url"])
def test_cors_with_unknown_origin(door_request, door: str):
    # GIVEN a request from an origin the CORSConfig does not allow
    request = door_request(
        door, "POST", "todos", json={"body": "Hello World"}, headers={"Origin": UNKNOWN_ORIGIN}
    )

    # WHEN
    response = data_fetcher.get_http_response(request)

    # THEN the request is served, without any Access-Control-Allow-Origin
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
