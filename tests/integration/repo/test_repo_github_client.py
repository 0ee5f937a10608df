"""GitHubClient (githubkit) against a local HTTP server on 127.0.0.1 that stands in for GitHub's servers:
pagination by Link headers, rate-limit retries, errors naming the call, GraphQL closing references."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from fogbank.errors import RepoError
from fogbank.repo.github.client import GitHubClient
from fogbank.repo.github.models import Label

TOKEN = "ghp_secret_never_printed"


class FakeGitHubServer:
    """Stands in for api.github.com: answers from ``routes`` and records each request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[tuple[int, dict[str, str], Any]]] = {}
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                split = urlsplit(self.path)
                key = (self.command, split.path + ("?" + split.query if "page=" in split.query else ""))
                server.requests.append((self.command, self.path, dict(self.headers), body))
                answers = server.routes.get(key) or server.routes.get((self.command, split.path))
                status, headers, payload = answers.pop(0) if answers and len(answers) > 1 else answers[0]
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value.replace("{base}", server.base_url))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def on(self, method: str, path: str, *answers: tuple[int, dict[str, str], Any]) -> None:
        self.routes[(method, path)] = list(answers)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


@pytest.fixture
def server() -> Iterator[FakeGitHubServer]:
    fake = FakeGitHubServer()
    try:
        yield fake
    finally:
        fake.stop()


def client(server: FakeGitHubServer, **kwargs: Any) -> GitHubClient:
    return GitHubClient("octo/repo", token=TOKEN, base_url=server.base_url + "/", **kwargs)


API = "https://api.github.com/repos/octo/repo"


def label(name: str) -> dict[str, Any]:
    """GET /repos/{owner}/{repo}/labels item, with every field GitHub's OpenAPI description requires."""
    return {
        "id": 1, "node_id": "LA_1", "url": f"{API}/labels/{name}", "name": name, "color": "ededed",
        "description": None, "default": False, "archived_at": None, "archived_by": None,
    }  # fmt: skip


def user(login: str) -> dict[str, Any]:
    base = f"https://api.github.com/users/{login}"
    return {
        "login": login, "id": 7, "node_id": "U_7", "avatar_url": "", "gravatar_id": "", "url": base,
        "html_url": f"https://github.com/{login}", "followers_url": base, "following_url": base,
        "gists_url": base, "starred_url": base, "subscriptions_url": base, "organizations_url": base,
        "repos_url": base, "events_url": base, "received_events_url": base, "type": "User", "site_admin": False,
    }  # fmt: skip


def issue(number: int) -> dict[str, Any]:
    """GET /repos/{owner}/{repo}/issues item, with every field GitHub's OpenAPI description requires."""
    return {
        "id": 100 + number, "node_id": f"I_{number}", "url": f"{API}/issues/{number}",
        "repository_url": API, "labels_url": f"{API}/issues/{number}/labels{{/name}}",
        "comments_url": f"{API}/issues/{number}/comments", "events_url": f"{API}/issues/{number}/events",
        "html_url": f"https://github.com/octo/repo/issues/{number}", "number": number, "state": "open",
        "title": "t", "user": user("a"), "labels": [], "milestone": None, "locked": False, "comments": 0,
        "closed_at": None, "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
        "author_association": "NONE",
    }  # fmt: skip


def test_lists_follow_link_headers_to_the_last_page(server):
    # GIVEN (standing in for GitHub) labels split over two pages joined by a Link header
    next_link = {"link": '<{base}/repos/octo/repo/labels?per_page=100&page=2>; rel="next", <x>; rel="last"'}
    server.on("GET", "/repos/octo/repo/labels", (200, next_link, [label("bug"), label("feature")]))
    server.on("GET", "/repos/octo/repo/labels?per_page=100&page=2", (200, {}, [label("size/XS")]))

    # WHEN labels are listed
    names = [item.name for item in client(server).list_labels()]

    # THEN both pages are read, with the token sent as a bearer/token header
    assert names == ["bug", "feature", "size/XS"]
    assert len(server.requests) == 2
    assert TOKEN in server.requests[0][2]["Authorization"]
    assert parse_qs(urlsplit(server.requests[0][1]).query)["per_page"] == ["100"]


def test_rate_limited_calls_wait_for_the_reset_then_succeed(server):
    # GIVEN (standing in for GitHub) a primary rate limit whose reset is already due, then a normal answer
    limited = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()))}
    server.on(
        "GET",
        "/repos/octo/repo/issues",
        (403, limited, {"message": "API rate limit exceeded"}),
        (200, {}, [issue(1)]),
    )

    # WHEN issues are listed
    issues = client(server).list_issues(label="pending-release")

    # THEN the call was retried and returned the data; the label filter was sent
    assert [item.number for item in issues] == [1]
    assert len(server.requests) == 2
    assert "labels=pending-release" in server.requests[1][1]


def test_rate_limit_past_the_deadline_is_a_clear_error(server):
    # GIVEN (standing in for GitHub) a secondary rate limit that never lifts
    server.on(
        "POST", "/repos/octo/repo/labels", (429, {"retry-after": "0"}, {"message": "secondary rate limit"})
    )

    # WHEN a label is created with a short deadline
    with pytest.raises(RepoError) as caught:
        client(server, deadline_seconds=0.3).create_label(Label("bug", "d73a4a", "x"))

    # THEN the error names the call and what to do; it retried more than once; the token is not in it
    assert "GitHub call `create label bug` still rate limited or unavailable" in str(caught.value)
    assert "wait for the limit to reset" in str(caught.value)
    assert len(server.requests) > 1
    assert TOKEN not in str(caught.value)


def test_api_errors_name_the_call_and_label_names_are_quoted(server):
    # GIVEN (standing in for GitHub) a 404 for a label whose name contains a slash
    server.on("DELETE", "/repos/octo/repo/labels/size%2FXS", (404, {}, {"message": "Not Found"}))

    # WHEN it is deleted
    with pytest.raises(RepoError) as caught:
        client(server).delete_label("size/XS")

    # THEN the error names the call and GitHub's message, without the token
    assert str(caught.value) == "GitHub call `delete label size/XS` failed: 404 Not Found"
    assert server.requests[0][1] == "/repos/octo/repo/labels/size%2FXS"


def test_closing_references_via_graphql_are_paginated_and_limited_to_this_repository(server):
    # GIVEN (standing in for GitHub's GraphQL API) two pages of closing references, one in another repository
    def page(nodes: list[tuple[int, str]], more: bool) -> dict[str, Any]:
        refs = {
            "nodes": [{"number": n, "repository": {"nameWithOwner": r}} for n, r in nodes],
            "pageInfo": {"hasNextPage": more, "endCursor": "c1" if more else None},
        }
        return {"data": {"repository": {"pullRequest": {"closingIssuesReferences": refs}}}}

    server.on(
        "POST",
        "/graphql",
        (200, {}, page([(3, "octo/repo"), (9, "other/repo")], True)),
        (200, {}, page([(4, "Octo/Repo")], False)),
    )

    # WHEN the closing issue numbers of PR 7 are read
    numbers = client(server).closing_issue_numbers(7)

    # THEN both pages are read, with the cursor, and only this repository's issues are kept
    assert numbers == [3, 4]
    assert server.requests[0][3]["variables"] == {"owner": "octo", "name": "repo", "number": 7, "after": None}
    assert server.requests[1][3]["variables"]["after"] == "c1"
