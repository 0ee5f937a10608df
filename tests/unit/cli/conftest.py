"""The GitHub fake and its CLI runner, shared with tests/unit/repo (FakeGitHub stands in for GitHub's servers)."""

from __future__ import annotations

from unit.repo.conftest import github, github_with, payloads, run_cli

__all__ = ["github", "github_with", "payloads", "run_cli"]
