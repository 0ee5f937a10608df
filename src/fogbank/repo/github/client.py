"""The GitHub implementation of GitHubPort, through githubkit.

Every list follows ``Link: rel="next"`` to the last page. A 403/429 that GitHub marks as rate limited is
retried after the reset time it announces, until a deadline; any other failure becomes a RepoError that
names the call. The token is never printed.

Example:
    >>> client = GitHubClient("octo/repo", token="t")  # doctest: +SKIP
    >>> [label.name for label in client.list_labels()]  # doctest: +SKIP
    ['bug', 'feature']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import tenacity
from githubkit import GitHub
from githubkit.exception import (
    GitHubException,
    GraphQLFailed,
    RateLimitExceeded,
    RequestFailed,
    RequestTimeout,
)

from fogbank.errors import RepoError
from fogbank.repo.git import FileChange
from fogbank.repo.github.graphql_documents import CLOSING_ISSUE_REFERENCES
from fogbank.repo.github.models import (
    Comment,
    Issue,
    Label,
    LabelEvent,
    PullRequest,
    Review,
    file_change_from_payload,
    parse_time,
)

__all__ = ["GitHubClient"]

T = TypeVar("T")
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class _Retryable(Exception):
    def __init__(self, wait_seconds: float, cause: GitHubException) -> None:
        super().__init__(str(cause))
        self.wait_seconds = wait_seconds
        self.cause = cause


class GitHubClient:
    """One repository (``owner/name``) on GitHub or GitHub Enterprise (``base_url``)."""

    def __init__(
        self,
        repository: str,
        *,
        token: str,
        base_url: str | None = None,
        deadline_seconds: float = 300.0,
        max_wait_seconds: float = 120.0,
    ) -> None:
        if "/" not in repository:
            raise RepoError(
                f"repository {repository!r} must be 'owner/name'; pass --repo or set GITHUB_REPOSITORY"
            )
        self.owner, self.name = repository.split("/", 1)
        self._gh: GitHub[Any] = GitHub(token, base_url=base_url, auto_retry=False, http_cache=False)
        self._deadline = deadline_seconds
        self._max_wait = max_wait_seconds
        self._prefix = f"/repos/{self.owner}/{self.name}"

    # transport -------------------------------------------------------------------------------------------
    def _call(self, call_name: str, action: Callable[[], T]) -> T:
        def attempt() -> T:
            try:
                return action()
            except RateLimitExceeded as error:
                raise _Retryable(
                    max(0.1, min(error.retry_after.total_seconds(), self._max_wait)), error
                ) from error
            except RequestFailed as error:
                if error.response.status_code in (502, 503, 504):
                    raise _Retryable(1.0, error) from error
                raise RepoError(
                    f"GitHub call `{call_name}` failed: {error.response.status_code} {_message(error)}"
                ) from None
            except (RequestTimeout, GraphQLFailed) as error:
                raise RepoError(f"GitHub call `{call_name}` failed: {error}") from None

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Retryable),
            wait=lambda state: _wait_of(state),
            stop=tenacity.stop_after_delay(self._deadline),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _Retryable as error:
            raise RepoError(
                f"GitHub call `{call_name}` still rate limited or unavailable after {self._deadline:.0f}s: "
                f"{_message(error.cause)}; wait for the limit to reset and run again"
            ) from None

    def _request(self, call_name: str, method: str, url: str, **kwargs: Any) -> Any:
        response = self._call(call_name, lambda: self._gh.request(method, url, **kwargs))
        return None if response.raw_response.status_code == 204 or not response.content else response.json()

    def _pages(
        self, call_name: str, url: str, params: dict[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        next_url: str | None = url
        query: dict[str, Any] | None = {"per_page": 100, **(params or {})}
        while next_url is not None:
            target = next_url
            response = self._call(call_name, partial(self._gh.request, "GET", target, params=query))
            yield from response.json()
            match = _NEXT.search(response.headers.get("link", ""))
            next_url, query = (match.group(1), None) if match else (None, None)

    # labels ----------------------------------------------------------------------------------------------
    def list_labels(self) -> list[Label]:
        return [Label.from_payload(item) for item in self._pages("list labels", f"{self._prefix}/labels")]

    def create_label(self, label: Label) -> None:
        body = {"name": label.name, "color": label.color, "description": label.description}
        self._request(f"create label {label.name}", "POST", f"{self._prefix}/labels", json=body)

    def update_label(self, name: str, label: Label) -> None:
        body = {"new_name": label.name, "color": label.color, "description": label.description}
        self._request(
            f"update label {name}", "PATCH", f"{self._prefix}/labels/{quote(name, safe='')}", json=body
        )

    def delete_label(self, name: str) -> None:
        self._request(f"delete label {name}", "DELETE", f"{self._prefix}/labels/{quote(name, safe='')}")

    # pulls -----------------------------------------------------------------------------------------------
    def get_pull(self, number: int) -> PullRequest:
        return PullRequest.from_payload(
            self._request(f"get pull #{number}", "GET", f"{self._prefix}/pulls/{number}")
        )

    def list_pull_files(self, number: int) -> list[FileChange]:
        items = self._pages(f"list files of pull #{number}", f"{self._prefix}/pulls/{number}/files")
        return [file_change_from_payload(item) for item in items]

    def list_reviews(self, number: int) -> list[Review]:
        items = self._pages(f"list reviews of pull #{number}", f"{self._prefix}/pulls/{number}/reviews")
        return [Review.from_payload(item) for item in items]

    def closing_issue_numbers(self, pull_number: int) -> list[int]:
        numbers: list[int] = []
        after: str | None = None
        while True:
            variables = {"owner": self.owner, "name": self.name, "number": pull_number, "after": after}
            data = self._call(
                f"closingIssuesReferences of pull #{pull_number}",
                partial(self._gh.graphql.request, CLOSING_ISSUE_REFERENCES, variables),
            )
            refs = data["repository"]["pullRequest"]["closingIssuesReferences"]
            own = f"{self.owner}/{self.name}".lower()
            numbers += [n["number"] for n in refs["nodes"] if n["repository"]["nameWithOwner"].lower() == own]
            if not refs["pageInfo"]["hasNextPage"]:
                return numbers
            after = refs["pageInfo"]["endCursor"]

    def list_merged_pulls(self, base: str | None, merged_after: datetime | None) -> list[PullRequest]:
        params: dict[str, Any] = {"state": "closed", "sort": "updated", "direction": "desc"}
        if base:
            params["base"] = base
        pulls = []
        for item in self._pages("list closed pulls", f"{self._prefix}/pulls", params):
            updated = parse_time(item.get("updated_at"))
            if merged_after is not None and updated is not None and updated <= merged_after:
                break  # sorted by update time, and a PR is updated when merged: nothing older can qualify
            pull = PullRequest.from_payload(item)
            if pull.merged_at is not None and (merged_after is None or pull.merged_at > merged_after):
                pulls.append(pull)
        return sorted(pulls, key=lambda pull: pull.number)

    # issues ----------------------------------------------------------------------------------------------
    def list_issues(self, *, label: str | None = None, state: str = "open") -> list[Issue]:
        params: dict[str, Any] = {"state": state}
        if label is not None:
            params["labels"] = label
        items = self._pages(f"list issues (label={label}, state={state})", f"{self._prefix}/issues", params)
        return [Issue.from_payload(item) for item in items]

    def add_labels(self, number: int, labels: list[str]) -> None:
        url = f"{self._prefix}/issues/{number}/labels"
        self._request(f"add labels to #{number}", "POST", url, json={"labels": labels})

    def remove_label(self, number: int, label: str) -> None:
        url = f"{self._prefix}/issues/{number}/labels/{quote(label, safe='')}"
        self._request(f"remove label {label} from #{number}", "DELETE", url)

    def list_comments(self, number: int) -> list[Comment]:
        items = self._pages(f"list comments of #{number}", f"{self._prefix}/issues/{number}/comments")
        return [Comment.from_payload(item) for item in items]

    def create_comment(self, number: int, body: str) -> None:
        url = f"{self._prefix}/issues/{number}/comments"
        self._request(f"comment on #{number}", "POST", url, json={"body": body})

    def update_comment(self, comment_id: int, body: str) -> None:
        url = f"{self._prefix}/issues/comments/{comment_id}"
        self._request(f"update comment {comment_id}", "PATCH", url, json={"body": body})

    def close_issue(self, number: int) -> None:
        body = {"state": "closed", "state_reason": "completed"}
        self._request(f"close #{number}", "PATCH", f"{self._prefix}/issues/{number}", json=body)

    def list_label_events(self, number: int) -> list[LabelEvent]:
        items = self._pages(f"list events of #{number}", f"{self._prefix}/issues/{number}/events")
        parsed = (LabelEvent.from_payload(item) for item in items)
        return [event for event in parsed if event is not None]

    # graphql ---------------------------------------------------------------------------------------------
    def graphql(self, document: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        name = document.split("(", 1)[0].split()[-1] if "(" in document else "query"
        data = self._call(f"GraphQL {name}", partial(self._gh.graphql.request, document, dict(variables)))
        return dict(data)

    # contents --------------------------------------------------------------------------------------------
    def ref_date(self, ref: str) -> datetime:
        payload = self._request(f"get commit {ref}", "GET", f"{self._prefix}/commits/{quote(ref, safe='')}")
        date = parse_time(payload["commit"]["committer"]["date"])
        assert date is not None
        return date

    def read_file(self, ref: str, path: str) -> str | None:
        url = f"{self._prefix}/contents/{quote(path)}"
        headers = {"Accept": "application/vnd.github.raw+json"}
        try:
            response = self._call(
                f"read {path} at {ref}",
                lambda: self._gh.request("GET", url, params={"ref": ref}, headers=headers),
            )
        except RepoError as error:
            if ": 404 " in str(error):
                return None
            raise
        return response.text


def _wait_of(state: tenacity.RetryCallState) -> float:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    return error.wait_seconds if isinstance(error, _Retryable) else 1.0


def _message(error: GitHubException) -> str:
    if isinstance(error, RequestFailed):
        try:
            payload = error.response.json()
        except ValueError:
            return error.response.raw_response.reason_phrase
        if isinstance(payload, dict) and "message" in payload:
            return str(payload["message"])
        return error.response.raw_response.reason_phrase
    return str(error)
