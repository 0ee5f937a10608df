"""The shipped label catalog: the maintainers' table of labels, each with a colour and its usage text.

Example:
    >>> [label.name for label in DEFAULT_LABELS][:3]
    ['triage', 'bug', 'not-a-bug']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LABELS", "DEFAULT_UTILITY_LABELS", "LabelSpec"]


@dataclass(frozen=True)
class LabelSpec:
    """A label as the catalog defines it; ``color`` is six hex digits without ``#``."""

    name: str
    color: str
    description: str


def _spec(name: str, color: str, description: str) -> LabelSpec:
    return LabelSpec(name=name, color=color, description=description)


DEFAULT_LABELS: tuple[LabelSpec, ...] = (
    _spec("triage", "fbca04", "New issues that require maintainers review"),
    _spec("bug", "d73a4a", "Unexpected, reproducible and unintended software behavior"),
    _spec("not-a-bug", "cfd3d7", "New and existing bug reports incorrectly submitted as bug"),
    _spec("documentation", "0075ca", "Documentation improvements"),
    _spec("feature-request", "a2eeef", "New or enhancements to existing features"),
    _spec("typing", "c5def5", "New or enhancements to static typing"),
    _spec("RFC", "d4c5f9", "Technical design documents related to a feature request"),
    _spec("bug-upstream", "e99695", "Bug caused by upstream dependency"),
    _spec("help wanted", "008672", "Tasks you want help from anyone to move forward"),
    _spec("need-customer-feedback", "f9d0c4", "Tasks that need more feedback before proceeding"),
    _spec("need-more-information", "f9d0c4", "Missing information before making any calls"),
    _spec("need-documentation", "f9d0c4", "PR is missing or has incomplete documentation"),
    _spec("need-issue", "f9d0c4", "PR is missing a related issue for tracking change"),
    _spec("need-rfc", "f9d0c4", "Feature request requires a RFC to improve discussion"),
    _spec("pending-release", "0e8a16", "Merged changes that will be available soon"),
    _spec("revisit-in-3-months", "bfdadc", "Blocked issues/PRs that need to be revisited"),
    _spec("breaking-change", "b60205", "Changes that will cause customer impact and need careful triage"),
    _spec("do-not-merge", "b60205", "PRs that are blocked for varying reasons"),
    _spec("size/XS", "3cbf00", "PRs between 0-9 LOC"),
    _spec("size/S", "5d9801", "PRs between 10-29 LOC"),
    _spec("size/M", "7f7203", "PRs between 30-99 LOC"),
    _spec("size/L", "a14c05", "PRs between 100-499 LOC"),
    _spec("size/XL", "c32607", "PRs between 500-999 LOC, often PRs that grown with feedback"),
    _spec("size/XXL", "e50009", "PRs with 1K+ LOC, largely documentation related"),
    _spec("tests", "1d76db", "PRs that add or change tests"),
    _spec("feature", "a2eeef", "New features or minor changes"),
    _spec("dependencies", "0366d6", "Changes that touch dependencies, e.g. Dependabot, etc."),
    _spec("github-actions", "000000", "Changes in GitHub workflows"),
    _spec("github-templates", "5319e7", "Changes in GitHub issue/PR templates"),
    _spec("internal", "ededed", "Changes in governance and chores (linting setup, baseline, etc.)"),
    _spec("tech-debt", "c2e0c6", "Changes in tech debt"),
    _spec("customer-reference", "bfd4f2", "Authorization to use company name in our documentation"),
    _spec("community-content", "bfd4f2", "Suggested content to feature in our documentation"),
)
"""The seed's table, in its order. Its ``<utility>`` row is a pattern, filled per project by utility labels."""

DEFAULT_UTILITY_LABELS: dict[str, list[str]] = {
    "tests": ["tests/**"],
    "documentation": ["docs/**", "*.md"],
    "github-actions": [".github/workflows/**"],
    "github-templates": [".github/ISSUE_TEMPLATE/**", ".github/PULL_REQUEST_TEMPLATE*"],
    "dependencies": [
        "pyproject.toml",
        "poetry.lock",
        "requirements*.txt",
        "package.json",
        "package-lock.json",
    ],
}
"""Path globs for the utility labels the seed's table marks as PR automation."""
