"""`repo board sync`: every open issue and PR on the project board, each with the Status its rules give.

Open work of the repository that is not on the board is added; every item of this repository on the board
(open or closed) gets the status of the first matching rule (`board.rules`, else `board.default_status`).
Items of other repositories and draft items are left alone. The plan is a list of `Change`s, so
`--dry-run` prints exactly the mutations it would send.

Example:
    >>> from fogbank.repo.config import RepoConfig
    >>> work = WorkItem("I_1", "octo/repo", 7, "Crash", "issue", "open", ("triage",))
    >>> desired_status(work, RepoConfig().board)
    'Triage'
"""

from __future__ import annotations

from dataclasses import dataclass

from fogbank.errors import RepoError
from fogbank.repo.changes import Change
from fogbank.repo.config import BoardRules
from fogbank.repo.github.port import GitHubPort
from fogbank.repo.github.projects import Board, BoardItem, ProjectsApi, WorkItem

__all__ = ["BoardPlan", "desired_status", "plan_board_sync"]


@dataclass(frozen=True)
class BoardPlan:
    """The board that was read, and the mutations that bring it in line with the rules."""

    board: Board
    changes: list[Change]


def desired_status(work: WorkItem, rules: BoardRules) -> str | None:
    """The status of the first rule that matches `work`, else the default (None: leave it)."""
    for rule in rules.rules:
        if rule.state is not None and rule.state != work.state:
            continue
        if rule.label is not None and rule.label not in work.labels:
            continue
        if rule.kind is not None and rule.kind != work.kind:
            continue
        return rule.status
    return rules.default_status


def plan_board_sync(github: GitHubPort, rules: BoardRules, repository: str) -> BoardPlan:
    """Read the board and the repository's open work, and plan the adds and status changes."""
    if rules.number is None:
        raise RepoError("board.number is not set; add `board: {number: <project number>}` to the config")
    owner, name = repository.split("/", 1)
    api = ProjectsApi(github.graphql)
    board = api.board(
        owner=rules.owner or owner,
        owner_type=rules.owner_type,
        number=rules.number,
        status_field=rules.status_field,
    )
    _check_statuses(board, rules)
    on_board: dict[str, BoardItem] = {}
    for item in api.items(board, rules.status_field):
        if item.work is not None and item.work.repository.lower() == repository.lower():
            on_board[item.work.content_id] = item
    changes: list[Change] = []
    for work in sorted(api.open_work(owner, name), key=lambda w: (w.kind, w.number)):
        if work.content_id not in on_board:
            status = desired_status(work, rules)
            changes.append(_add_change(board, work, status))
    for item in sorted(on_board.values(), key=lambda i: (i.work.kind, i.work.number) if i.work else ("", 0)):
        assert item.work is not None
        status = desired_status(item.work, rules)
        if status is not None and status != item.status:
            changes.append(_status_change(board, item.item_id, item.work, status, item.status))
    return BoardPlan(board=board, changes=changes)


def _check_statuses(board: Board, rules: BoardRules) -> None:
    wanted = {rule.status for rule in rules.rules} | ({rules.default_status} - {None})
    missing = sorted(str(status) for status in wanted if status not in board.options)
    if missing:
        raise RepoError(
            f"project {board.title!r} has no status option {', '.join(map(repr, missing))} (it has "
            f"{', '.join(map(repr, sorted(board.options)))}); add them on GitHub or change board.rules"
        )


def _target(work: WorkItem) -> str:
    return f"#{work.number}"


def _add_change(board: Board, work: WorkItem, status: str | None) -> Change:
    def apply(github: GitHubPort) -> None:
        api = ProjectsApi(github.graphql)
        item_id = api.add_item(board, work.content_id)
        if status is not None:
            api.set_status(board, item_id, status)

    detail = f"{board.title}" + (f", status {status}" if status else "")
    return Change("add-to-board", _target(work), detail, apply)


def _status_change(board: Board, item_id: str, work: WorkItem, status: str, current: str | None) -> Change:
    def apply(github: GitHubPort) -> None:
        ProjectsApi(github.graphql).set_status(board, item_id, status)

    return Change("set-status", _target(work), f"{current or '(none)'} -> {status}", apply)
