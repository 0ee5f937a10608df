"""Connect to GitHub from the environment: ``GITHUB_TOKEN``, ``GITHUB_REPOSITORY``, ``GITHUB_API_URL``, and
read the number of the PR or issue in ``GITHUB_EVENT_PATH``. The token is never printed.

Example:
    >>> repository_name(None, {"GITHUB_REPOSITORY": "octo/repo"})
    'octo/repo'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fogbank.errors import RepoError
from fogbank.repo.github.client import GitHubClient

__all__ = ["connect", "event_payload", "number_from_event", "repository_name"]


def repository_name(explicit: str | None, env: Mapping[str, str]) -> str:
    """``--repo`` or ``GITHUB_REPOSITORY``."""
    name = explicit or env.get("GITHUB_REPOSITORY")
    if not name:
        raise RepoError("no repository given: pass --repo owner/name or set GITHUB_REPOSITORY")
    return name


def connect(repository: str, env: Mapping[str, str]) -> GitHubClient:
    """A client for ``repository`` authenticated with ``GITHUB_TOKEN``."""
    token = env.get("GITHUB_TOKEN")
    if not token:
        raise RepoError(
            "GITHUB_TOKEN is not set: export a token with issues and pull-requests write access "
            "(in Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`)"
        )
    return GitHubClient(repository, token=token, base_url=env.get("GITHUB_API_URL"))


def event_payload(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The webhook payload Actions wrote to ``GITHUB_EVENT_PATH``, if any."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RepoError(f"cannot read the event payload GITHUB_EVENT_PATH={path}: {error}") from error
    return payload if isinstance(payload, dict) else None


def number_from_event(env: Mapping[str, str], kind: str) -> int:
    """The number of the ``pull_request`` or ``issue`` the event is about."""
    payload = event_payload(env)
    item = (payload or {}).get(kind)
    if not isinstance(item, dict) or "number" not in item:
        raise RepoError(
            f"no {kind} number: pass it explicitly, or run on a {kind} event (GITHUB_EVENT_PATH has no {kind!r})"
        )
    return int(item["number"])
