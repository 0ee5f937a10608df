"""Real temporary git repositories with fixed dates, for the offline `fogbank repo` tests."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ANN = ("Ann", "1+ann@users.noreply.github.com")


class GitRepo:
    """A git repository under construction; every commit is one day after the previous one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.clock = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: tuple[str, str] = ANN) -> str:
        stamp = self.clock.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_COMMITTER_NAME": author[0],
            "GIT_COMMITTER_EMAIL": author[1],
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        result = subprocess.run(
            ["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=True
        )
        return result.stdout

    def commit(
        self, message: str, files: dict[str, str] | None = None, author: tuple[str, str] = ANN, body: str = ""
    ) -> None:
        self.clock += timedelta(days=1)
        for name, text in (files or {"log.txt": f"{message}\n"}).items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            existing = target.read_text() if name == "log.txt" and target.exists() else ""
            target.write_text(existing + text)
        self.git("add", "-A")
        args = ["commit", "-q", "-m", message] + (["-m", body] if body else [])
        self.git(*args, author=author)

    def merge_pr(self, number: int, branch: str, login: str, title: str) -> None:
        self.clock += timedelta(days=1)
        author = (login.title(), f"{number}+{login}@users.noreply.github.com")
        message = f"Merge pull request #{number} from {login}/{branch}"
        self.git("merge", "-q", "--no-ff", branch, "-m", message, "-m", title, author=author)


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "checkout")


def lines(count: int, prefix: str = "line") -> str:
    return "".join(f"{prefix} {n}\n" for n in range(count))


@pytest.fixture
def make_lines():
    return lines
