"""The GitHub implementation of GitHubPort, through githubkit.

Every list follows ``Link: rel="next"`` to the last page. A 403/429 that GitHub marks as rate limited is
retried after the reset time it announces, until a deadline; any other failure becomes a RepoError that
names the call. The token is never printed.

Example (skipped as a doctest: it needs GitHub's servers):
    >>> client = GitHubClient("octo/repo", token="t")  # doctest: +SKIP
    >>> [label.name for label in client.list_labels()]  # doctest: +SKIP
    ['bug', 'feature']
"""

from __future__ import annotations

import base64
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
from fogbank.repo.github.models import Comment, Issue, Label, LabelEvent, PullRequest, Review
from fogbank.repo.github.typed import (
    comment_of,
    file_change_of,
    issue_of,
    label_event_of,
    label_of,
    pull_of,
    review_of,
)

__all__ = ["GitHubClient"]

T = TypeVar("T")
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
_PAGE = re.compile(r"[?&]page=(\d+)")


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
        self._rest = self._gh.rest

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

    def _typed(self, call_name: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One typed REST call (`gh.rest.<group>.<operation>`) for this repository; returns parsed_data."""
        response = self._call(call_name, partial(method, self.owner, self.name, *args, **kwargs))
        return None if response.raw_response.status_code == 204 else response.parsed_data

    def _pages(self, call_name: str, method: Callable[..., Any], *args: Any, **params: Any) -> Iterator[Any]:
        """Every item of a typed list call, following `Link: rel="next"` to the last page."""
        page: int | None = None
        while True:
            extra = {"page": page} if page is not None else {}
            response = self._call(
                call_name, partial(method, self.owner, self.name, *args, per_page=100, **params, **extra)
            )
            yield from response.parsed_data
            match = _NEXT.search(response.headers.get("link", ""))
            if match is None:
                return
            found = _PAGE.search(match.group(1))
            if found is None:
                raise RepoError(
                    f"GitHub call `{call_name}` returned a next-page link without a page number "
                    f"({match.group(1)}); this client cannot follow it"
                )
            page = int(found.group(1))

    # labels ----------------------------------------------------------------------------------------------
    def list_labels(self) -> list[Label]:
        return [label_of(item) for item in self._pages("list labels", self._rest.issues.list_labels_for_repo)]

    def create_label(self, label: Label) -> None:
        self._typed(
            f"create label {label.name}",
            self._rest.issues.create_label,
            name=label.name,
            color=label.color,
            description=label.description,
        )

    def update_label(self, name: str, label: Label) -> None:
        self._typed(
            f"update label {name}",
            self._rest.issues.update_label,
            _segment(name),
            new_name=label.name,
            color=label.color,
            description=label.description,
        )

    def delete_label(self, name: str) -> None:
        self._typed(f"delete label {name}", self._rest.issues.delete_label, _segment(name))

    # pulls -----------------------------------------------------------------------------------------------
    def get_pull(self, number: int) -> PullRequest:
        return pull_of(self._typed(f"get pull #{number}", self._rest.pulls.get, number))

    def list_pull_files(self, number: int) -> list[FileChange]:
        items = self._pages(f"list files of pull #{number}", self._rest.pulls.list_files, number)
        return [file_change_of(item) for item in items]

    def list_reviews(self, number: int) -> list[Review]:
        items = self._pages(f"list reviews of pull #{number}", self._rest.pulls.list_reviews, number)
        return [review_of(item) for item in items]

    def closing_issue_numbers(self, pull_number: int) -> list[int]:
        numbers: list[int] = []
        after: str | None = None
        while True:
            variables = {"owner": self.owner, "name": self.name, "number": pull_number, "after": after}
            data = self.graphql(CLOSING_ISSUE_REFERENCES, variables)
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
        for item in self._pages("list closed pulls", self._rest.pulls.list, **params):
            updated = item.updated_at
            if merged_after is not None and updated is not None and updated <= merged_after:
                break  # sorted by update time, and a PR is updated when merged: nothing older can qualify
            pull = pull_of(item)
            if pull.merged_at is not None and (merged_after is None or pull.merged_at > merged_after):
                pulls.append(pull)
        return sorted(pulls, key=lambda pull: pull.number)

    # issues ----------------------------------------------------------------------------------------------
    def list_issues(self, *, label: str | None = None, state: str = "open") -> list[Issue]:
        params: dict[str, Any] = {"state": state}
        if label is not None:
            params["labels"] = label
        items = self._pages(
            f"list issues (label={label}, state={state})", self._rest.issues.list_for_repo, **params
        )
        return [issue_of(item) for item in items]

    def add_labels(self, number: int, labels: list[str]) -> None:
        self._typed(f"add labels to #{number}", self._rest.issues.add_labels, number, labels=labels)

    def remove_label(self, number: int, label: str) -> None:
        self._typed(
            f"remove label {label} from #{number}", self._rest.issues.remove_label, number, _segment(label)
        )

    def list_comments(self, number: int) -> list[Comment]:
        items = self._pages(f"list comments of #{number}", self._rest.issues.list_comments, number)
        return [comment_of(item) for item in items]

    def create_comment(self, number: int, body: str) -> None:
        self._typed(f"comment on #{number}", self._rest.issues.create_comment, number, body=body)

    def update_comment(self, comment_id: int, body: str) -> None:
        self._typed(f"update comment {comment_id}", self._rest.issues.update_comment, comment_id, body=body)

    def close_issue(self, number: int) -> None:
        self._typed(
            f"close #{number}", self._rest.issues.update, number, state="closed", state_reason="completed"
        )

    def list_label_events(self, number: int) -> list[LabelEvent]:
        items = self._pages(f"list events of #{number}", self._rest.issues.list_events, number)
        parsed = (label_event_of(item) for item in items)
        return [event for event in parsed if event is not None]

    # graphql ---------------------------------------------------------------------------------------------
    def graphql(self, document: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        name = document.split("(", 1)[0].split()[-1] if "(" in document else "query"
        data = self._call(f"GraphQL {name}", partial(self._gh.graphql.request, document, dict(variables)))
        return dict(data)

    # contents ------------------------------------------------------------------------------------------
    def ref_date(self, ref: str) -> datetime:
        commit = self._typed(f"get commit {ref}", self._rest.repos.get_commit, _segment(ref))
        date = commit.commit.committer.date if commit.commit.committer is not None else None
        if not isinstance(date, datetime):
            raise RepoError(f"GitHub call `get commit {ref}` returned no committer date")
        return date

    def read_file(self, ref: str, path: str) -> str | None:
        try:
            content = self._typed(f"read {path} at {ref}", self._rest.repos.get_content, quote(path), ref=ref)
        except RepoError as error:
            if ": 404 " in str(error):
                return None
            raise
        if getattr(content, "type", None) != "file" or getattr(content, "encoding", None) != "base64":
            raise RepoError(f"{path} at {ref} is not a file GitHub returns inline (over 1 MB, or a folder)")
        return base64.b64decode(content.content).decode("utf-8")


def _segment(value: str) -> str:
    """githubkit puts path parameters into its URL templates as they are: quote `/` and the rest."""
    return quote(value, safe="")


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
