"""GitHub Projects (v2) through the GraphQL API: read a board and its items, add items, set their Status.

Works over any `GraphQLTransport` (document, variables -> data): the port's `graphql` method, which
githubkit implements against GitHub, and which tests implement by executing GitHub's published schema.

Example (skipped as a doctest: it needs GitHub's servers):
    >>> api = ProjectsApi(github.graphql)  # doctest: +SKIP
    >>> board = api.board(owner="octo", owner_type="organization", number=3, status_field="Status")  # doctest: +SKIP
    >>> sorted(board.options)  # doctest: +SKIP
    ['Coming soon', 'Shipped', 'Triage']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from fogbank.errors import RepoError
from fogbank.repo.github.graphql_documents import (
    ADD_TO_BOARD,
    BOARD_ITEMS,
    OPEN_ISSUES,
    OPEN_PULLS,
    ORGANIZATION_BOARD,
    SET_BOARD_STATUS,
    USER_BOARD,
)

__all__ = ["Board", "BoardItem", "GraphQLTransport", "ProjectsApi", "WorkItem"]

GraphQLTransport = Callable[[str, Mapping[str, Any]], dict[str, Any]]
"""(document, variables) -> the response's `data`; errors raise RepoError."""
OwnerType = Literal["organization", "user"]


@dataclass(frozen=True)
class Board:
    """A project and its single-select status field (option name -> option id)."""

    id: str
    title: str
    status_field_id: str
    options: dict[str, str]


@dataclass(frozen=True)
class WorkItem:
    """An issue or pull request, as the board rules see it."""

    content_id: str
    repository: str
    number: int
    title: str
    kind: Literal["issue", "pull_request"]
    state: Literal["open", "closed", "merged"]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class BoardItem:
    """An item on the board: its id, what it holds (None for drafts), and its current status."""

    item_id: str
    work: WorkItem | None
    status: str | None


class ProjectsApi:
    """The Projects (v2) calls `fogbank repo board sync` needs."""

    def __init__(self, transport: GraphQLTransport) -> None:
        self._graphql = transport

    def board(self, *, owner: str, owner_type: OwnerType, number: int, status_field: str) -> Board:
        """The project `number` of `owner`, with its status field; RepoError naming what is missing."""
        document = ORGANIZATION_BOARD if owner_type == "organization" else USER_BOARD
        data = self._graphql(document, {"login": owner, "number": number, "field": status_field})
        project = (data.get(owner_type) or {}).get("projectV2")
        if project is None:
            raise RepoError(
                f"GitHub has no project {number} for {owner_type} {owner} that this token can read; check "
                "board.owner, board.owner_type and board.number, and that the token has the project scope"
            )
        field = project.get("field") or {}
        if field.get("__typename") != "ProjectV2SingleSelectField":
            raise RepoError(
                f"project {number} ({project['title']}) has no single-select field named {status_field!r}; "
                "set board.status_field to the name of its Status column field"
            )
        options = {option["name"]: option["id"] for option in field["options"]}
        return Board(id=project["id"], title=project["title"], status_field_id=field["id"], options=options)

    def items(self, board: Board, status_field: str) -> list[BoardItem]:
        """Every item on the board (all pages)."""
        variables = {"project": board.id, "field": status_field}
        pages = self._pages(BOARD_ITEMS, variables, lambda data: (data.get("node") or {}).get("items"))
        return [_board_item(node) for node in pages]

    def open_work(self, owner: str, name: str) -> list[WorkItem]:
        """Every open issue and pull request of one repository (all pages)."""
        variables = {"owner": owner, "name": name}
        issues = self._pages(OPEN_ISSUES, variables, lambda data: data["repository"]["issues"])
        pulls = self._pages(OPEN_PULLS, variables, lambda data: data["repository"]["pullRequests"])
        return [_work_item(node, "Issue") for node in issues] + [
            _work_item(node, "PullRequest") for node in pulls
        ]

    def add_item(self, board: Board, content_id: str) -> str:
        """Put an issue or PR on the board; returns the new item's id (GitHub returns the existing one)."""
        data = self._graphql(ADD_TO_BOARD, {"project": board.id, "content": content_id})
        return str(data["addProjectV2ItemById"]["item"]["id"])

    def set_status(self, board: Board, item_id: str, status: str) -> None:
        """Set the item's status field to the option named `status`."""
        if status not in board.options:
            raise RepoError(
                f"project {board.title} has no status {status!r} (it has {', '.join(sorted(board.options))}); "
                "fix board.rules or add the option on GitHub"
            )
        variables = {
            "project": board.id,
            "item": item_id,
            "field": board.status_field_id,
            "option": board.options[status],
        }
        self._graphql(SET_BOARD_STATUS, variables)

    def _pages(
        self,
        document: str,
        variables: dict[str, Any],
        connection_of: Callable[[dict[str, Any]], dict[str, Any] | None],
    ) -> Iterator[dict[str, Any]]:
        after: str | None = None
        while True:
            connection = connection_of(self._graphql(document, {**variables, "after": after}))
            if connection is None:
                return
            yield from connection["nodes"]
            if not connection["pageInfo"]["hasNextPage"]:
                return
            after = connection["pageInfo"]["endCursor"]


def _work_item(node: dict[str, Any], typename: str) -> WorkItem:
    # `state` has different enum types on Issue and PullRequest, so the board query aliases it
    state = str(node.get("state") or node.get("issueState") or node.get("pullState")).lower()
    return WorkItem(
        content_id=node["id"],
        repository=node["repository"]["nameWithOwner"],
        number=int(node["number"]),
        title=node["title"],
        kind="issue" if typename == "Issue" else "pull_request",
        state="merged" if state == "merged" else ("closed" if state == "closed" else "open"),
        labels=tuple(label["name"] for label in node["labels"]["nodes"]),
    )


def _board_item(node: dict[str, Any]) -> BoardItem:
    content = node.get("content") or {}
    typename = content.get("__typename")
    work = _work_item(content, typename) if typename in ("Issue", "PullRequest") else None
    status = node.get("status") or {}
    return BoardItem(item_id=node["id"], work=work, status=status.get("name"))
