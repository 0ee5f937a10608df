"""GitHub's published GraphQL schema, and an in-memory GitHub that answers by executing it (graphql-core).

This stands in for GitHub's servers, which cannot be reached from tests: the documents fogbank sends are
validated and executed against GitHub's own schema (the `@octokit/graphql-schema` package, installed once
with npm into fogbank's cache), so a field or argument GitHub does not have fails the test.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from filelock import FileLock
from graphql import GraphQLSchema, build_client_schema, graphql_sync, parse, validate

from fogbank.errors import RepoError

SCHEMA_PACKAGE = "@octokit/graphql-schema"
SCHEMA_VERSION = "15.26.1"


def _cache_root() -> Path:
    base = os.environ.get("FOGBANK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "fogbank"
    )
    return Path(base)


def schema_file() -> Path:
    """schema.json of the pinned package, installed with npm on first use."""
    target = _cache_root() / "github-graphql-schema" / SCHEMA_VERSION
    found = target / "node_modules" / "@octokit" / "graphql-schema" / "schema.json"
    if found.is_file():
        return found
    target.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if not found.is_file():
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError("npm is needed to fetch GitHub's GraphQL schema; install Node.js 18+")
            subprocess.run(
                [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(target),
                 f"{SCHEMA_PACKAGE}@{SCHEMA_VERSION}"],
                check=True, timeout=600,
            )  # fmt: skip
    return found


def _relax_deprecations(introspection: dict[str, Any]) -> None:
    """GitHub deprecates some fields on types but not on their interfaces, which newer GraphQL validation
    rejects as a schema error; un-deprecate those implementation fields so documents can be checked."""
    types = {t["name"]: t for t in introspection["__schema"]["types"]}
    for kind in types.values():
        for interface in kind.get("interfaces") or []:
            live = {f["name"] for f in types[interface["name"]].get("fields") or [] if not f["isDeprecated"]}
            for item in kind.get("fields") or []:
                if item["name"] in live and item["isDeprecated"]:
                    item["isDeprecated"], item["deprecationReason"] = False, None


@cache
def github_schema() -> GraphQLSchema:
    """GitHub's GraphQL schema (built once per process)."""
    introspection = json.loads(schema_file().read_text(encoding="utf-8"))
    introspection = introspection.get("data", introspection)
    _relax_deprecations(introspection)
    return build_client_schema(introspection)


def validation_errors(document: str) -> list[str]:
    """Why GitHub would reject `document` (empty when it is valid)."""
    return [error.message for error in validate(github_schema(), parse(document))]


def _connection(nodes: list[Any], first: int, after: str | None) -> dict[str, Any]:
    start = int(after) if after else 0
    page = nodes[start : start + first]
    end = start + len(page)
    return {"nodes": page, "pageInfo": {"hasNextPage": end < len(nodes), "endCursor": str(end)}}


@dataclass
class _Work:
    id: str
    typename: str
    number: int
    title: str
    state: str
    labels: list[str]


@dataclass
class _Project:
    id: str
    owner_type: str
    login: str
    number: int
    title: str
    field_id: str
    options: dict[str, str]
    items: list[dict[str, Any]] = field(default_factory=list)


class GitHubGraphQL:
    """One repository and its owner's Projects (v2), answering GraphQL documents like GitHub.

    `requests` lists (operation name, variables) of every call, in order.
    """

    def __init__(self, repository: str = "octo/repo") -> None:
        self.repository = repository
        self.work: list[_Work] = []
        self.projects: list[_Project] = []
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._ids = itertools.count(1)

    # feeding ---------------------------------------------------------------------------------------------
    def add_work(
        self, typename: str, number: int, title: str, *, state: str = "OPEN", labels: tuple[str, ...] = ()
    ) -> str:
        prefix = "I_" if typename == "Issue" else "PR_"
        item = _Work(f"{prefix}{next(self._ids)}", typename, number, title, state, list(labels))
        self.work.append(item)
        return item.id

    def add_project(
        self, owner_type: str, login: str, number: int, title: str, statuses: list[str]
    ) -> _Project:
        options = {name: f"OPT_{next(self._ids)}" for name in statuses}
        project = _Project(
            f"PVT_{next(self._ids)}", owner_type, login, number, title, f"PVTSSF_{next(self._ids)}", options
        )
        self.projects.append(project)
        return project

    def put_on_board(self, project: _Project, content_id: str, status: str | None = None) -> str:
        item_id = f"PVTI_{next(self._ids)}"
        project.items.append(
            {"id": item_id, "content": content_id, "option": project.options.get(status or "")}
        )
        return item_id

    def status_of(self, project: _Project, content_id: str) -> str | None:
        names = {option_id: name for name, option_id in project.options.items()}
        for item in project.items:
            if item["content"] == content_id:
                return names.get(item["option"])
        raise AssertionError(f"{content_id} is not on {project.title}")

    # serving ---------------------------------------------------------------------------------------------
    def __call__(self, document: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        parsed = parse(document)
        operation = next(d for d in parsed.definitions if d.kind == "operation_definition")
        self.requests.append((operation.name.value if operation.name else "", dict(variables)))
        result = graphql_sync(
            github_schema(), document, root_value=self._root(), variable_values=dict(variables)
        )
        if result.errors:
            raise RepoError(f"GitHub call `GraphQL` failed: {'; '.join(e.message for e in result.errors)}")
        assert result.data is not None
        return result.data

    def _work_node(self, item: _Work) -> dict[str, Any]:
        return {
            "__typename": item.typename,
            "id": item.id,
            "number": item.number,
            "title": item.title,
            "state": item.state,
            "repository": {"nameWithOwner": self.repository},
            "labels": lambda info, first=100, after=None, **_: _connection(
                [{"name": name} for name in item.labels], first, after
            ),
        }

    def _project_node(self, project: _Project) -> dict[str, Any]:
        names = {option_id: name for name, option_id in project.options.items()}
        by_id = {item.id: item for item in self.work}

        def item_node(item: dict[str, Any]) -> dict[str, Any]:
            status = (
                {
                    "__typename": "ProjectV2ItemFieldSingleSelectValue",
                    "name": names[item["option"]],
                    "optionId": item["option"],
                }
                if item["option"] in names
                else None
            )
            return {
                "id": item["id"],
                "content": self._work_node(by_id[item["content"]]),
                "fieldValueByName": lambda info, name: status if name == "Status" else None,
            }

        return {
            "__typename": "ProjectV2",
            "id": project.id,
            "title": project.title,
            "field": lambda info, name: (
                {
                    "__typename": "ProjectV2SingleSelectField",
                    "id": project.field_id,
                    "name": name,
                    "options": [{"id": i, "name": n} for n, i in project.options.items()],
                }
                if name == "Status"
                else None
            ),
            "items": lambda info, first=100, after=None, **_: _connection(
                [item_node(item) for item in project.items], first, after
            ),
        }

    def _root(self) -> dict[str, Any]:
        def owner(kind: str) -> Any:
            def resolve(info: Any, login: str) -> dict[str, Any]:
                return {
                    "projectV2": lambda info, number: next(
                        (self._project_node(p) for p in self.projects
                         if p.owner_type == kind and p.login == login and p.number == number),
                        None,
                    )
                }  # fmt: skip

            return resolve

        def repository(info: Any, owner: str, name: str, **_: Any) -> dict[str, Any] | None:
            if f"{owner}/{name}" != self.repository:
                return None

            def listing(typename: str) -> Any:
                def resolve(
                    info: Any,
                    first: int = 100,
                    after: str | None = None,
                    states: list[str] | None = None,
                    **_: Any,
                ) -> dict[str, Any]:
                    nodes = [
                        self._work_node(w)
                        for w in self.work
                        if w.typename == typename and (not states or w.state in states)
                    ]
                    return _connection(nodes, first, after)

                return resolve

            return {"issues": listing("Issue"), "pullRequests": listing("PullRequest")}

        def node(info: Any, id: str) -> dict[str, Any] | None:
            project = next((p for p in self.projects if p.id == id), None)
            return self._project_node(project) if project else None

        def add_item(info: Any, input: dict[str, Any]) -> dict[str, Any]:
            project = next(p for p in self.projects if p.id == input["projectId"])
            existing = next((i for i in project.items if i["content"] == input["contentId"]), None)
            item_id = existing["id"] if existing else self.put_on_board(project, input["contentId"])
            return {"item": {"id": item_id}}

        def set_value(info: Any, input: dict[str, Any]) -> dict[str, Any]:
            project = next(p for p in self.projects if p.id == input["projectId"])
            assert input["fieldId"] == project.field_id, "unknown field"
            option = input["value"]["singleSelectOptionId"]
            assert option in project.options.values(), "unknown option"
            item = next(i for i in project.items if i["id"] == input["itemId"])
            item["option"] = option
            return {"projectV2Item": {"id": item["id"]}}

        return {
            "organization": owner("organization"),
            "user": owner("user"),
            "repository": repository,
            "node": node,
            "addProjectV2ItemById": add_item,
            "updateProjectV2ItemFieldValue": set_value,
        }
