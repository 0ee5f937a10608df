"""A local git checkout, read through ``git`` subprocess calls (argument lists, never a shell).

Example (skipped as a doctest: it runs git):
    >>> from pathlib import Path
    >>> Git(Path(".")).root  # doctest: +SKIP
    PosixPath('/work/main')
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fogbank.errors import RepoError

__all__ = ["FileChange", "Git", "LogEntry"]

_FIELD = "\x1f"
_RECORD = "\x1e"


@dataclass(frozen=True)
class FileChange:
    """One changed file: ``additions``/``deletions`` are None for binary files."""

    path: str
    additions: int | None
    deletions: int | None

    @property
    def lines(self) -> int:
        """Additions plus deletions (0 for binary files)."""
        return (self.additions or 0) + (self.deletions or 0)


@dataclass(frozen=True)
class LogEntry:
    """One commit as ``git log`` reports it."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    date: datetime
    subject: str
    body: str


class Git:
    """Read-only access to the repository containing ``path``."""

    def __init__(self, path: Path) -> None:
        self._cwd = path
        self.root = Path(self.run("rev-parse", "--show-toplevel").strip())

    def run(self, *args: str) -> str:
        """Run ``git <args>`` and return stdout; a failure raises RepoError naming the command."""
        command = ["git", "-c", "core.quotepath=off", *args]
        try:
            result = subprocess.run(command, cwd=self._cwd, capture_output=True, text=True, check=False)
        except FileNotFoundError as error:
            raise RepoError("git is not installed or not on PATH; install git to use offline mode") from error
        if result.returncode != 0:
            raise RepoError(
                f"`git {' '.join(args)}` failed in {self._cwd}: {result.stderr.strip() or result.stdout.strip()}"
            )
        return result.stdout

    def numstat(self, base: str, head: str) -> list[FileChange]:
        """Changed files between the merge base of ``base`` and ``head``, and ``head`` (like a PR's diff)."""
        output = self.run("diff", "--numstat", "-z", "--no-renames", f"{base}...{head}")
        changes = []
        for record in output.split("\0"):
            if not record:
                continue
            added, deleted, path = record.split("\t", 2)
            changes.append(
                FileChange(
                    path=path,
                    additions=None if added == "-" else int(added),
                    deletions=None if deleted == "-" else int(deleted),
                )
            )
        return changes

    def show_file(self, ref: str, path: str) -> str | None:
        """The text of ``path`` at ``ref``, or None when it does not exist there."""
        try:
            return self.run("show", f"{ref}:{path}")
        except RepoError:
            return None

    def tracked_files(self) -> list[str]:
        """Every file tracked at HEAD."""
        return [path for path in self.run("ls-files", "-z").split("\0") if path]

    def tags(self, pattern: str | None = None) -> list[str]:
        """Tags reachable from HEAD, oldest first by version order."""
        output = self.run("tag", "--merged", "HEAD", "--sort=v:refname")
        tags = [line for line in output.splitlines() if line]
        if pattern is None:
            return tags
        compiled = re.compile(pattern)
        return [tag for tag in tags if compiled.search(tag)]

    def commit_date(self, ref: str) -> datetime:
        """The committer date of ``ref``."""
        return datetime.fromtimestamp(int(self.run("log", "-1", "--format=%ct", ref).strip()), tz=UTC)

    def log(self, revision_range: str, *, first_parent: bool = True) -> list[LogEntry]:
        """Commits in ``revision_range``, newest first."""
        fmt = _FIELD.join(["%H", "%P", "%an", "%ae", "%ct", "%s", "%b"]) + _RECORD
        args = ["log", f"--format={fmt}"]
        if first_parent:
            args.append("--first-parent")
        output = self.run(*args, revision_range, "--")
        entries = []
        for record in output.split(_RECORD):
            record = record.strip("\n")
            if not record:
                continue
            sha, parents, name, email, stamp, subject, body = record.split(_FIELD)
            entries.append(
                LogEntry(
                    sha=sha,
                    parents=tuple(parents.split()),
                    author_name=name,
                    author_email=email,
                    date=datetime.fromtimestamp(int(stamp), tz=UTC),
                    subject=subject,
                    body=body.strip(),
                )
            )
        return entries
