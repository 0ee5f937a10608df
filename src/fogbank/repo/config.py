"""The one config of `fogbank repo`, validated by pydantic; every field has a default taken from the seed.

Example:
    >>> config = RepoConfig()
    >>> config.size.label_for(42), config.types["feat"].label
    ('size/M', 'feature')
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fogbank.repo.catalog import DEFAULT_LABELS, DEFAULT_UTILITY_LABELS

__all__ = [
    "BoardRules",
    "BoardStatusRule",
    "ChangelogRules",
    "IssueRules",
    "LabelModel",
    "NeedIssueRule",
    "ReleaseCategory",
    "ReleaseNotesRules",
    "RepoConfig",
    "RevisitRule",
    "ScopeRules",
    "SizeRules",
    "TriageReportRules",
    "TypeRule",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"not a valid regular expression: {error}") from error
    return value


class LabelModel(_Strict):
    """One label of the catalog."""

    name: Annotated[str, Field(min_length=1, max_length=50)]
    color: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{6}$", description="Six hex digits, no '#'.")]
    description: Annotated[str, Field(max_length=100)] = ""


class TypeRule(_Strict):
    """A semantic type: the label it puts on PRs and the CHANGELOG section its commits go to."""

    label: str | None = None
    section: str | None = None


class ScopeRules(_Strict):
    """Allowed scopes (empty: any scope), aliases mapping a spelling to an allowed scope."""

    allowed: list[str] = []
    aliases: dict[str, str] = {}
    required: bool = False


class SizeRules(_Strict):
    """Size labels from additions plus deletions; the smallest threshold must be 0."""

    thresholds: dict[str, int] = {"XS": 0, "S": 10, "M": 30, "L": 100, "XL": 500, "XXL": 1000}
    label_prefix: str = "size/"
    ignore: list[str] = ["*.lock", "package-lock.json"]
    honour_linguist_generated: bool = True
    too_large_from: str = "XXL"
    too_large_comment: str = (
        "This PR changes {lines} lines ({size}). Large PRs are hard to review well: "
        "please consider splitting it into smaller ones."
    )

    @model_validator(mode="after")
    def _thresholds_are_ordered(self) -> SizeRules:
        values = list(self.thresholds.values())
        if not values or values[0] != 0 or values != sorted(set(values)):
            raise ValueError("thresholds must start at 0 and strictly increase, e.g. {XS: 0, S: 10}")
        if self.too_large_from not in self.thresholds:
            raise ValueError(f"too_large_from {self.too_large_from!r} is not one of the thresholds")
        return self

    def size_for(self, lines: int) -> str:
        """The size name for ``lines`` changed lines."""
        return [name for name, start in self.thresholds.items() if lines >= start][-1]

    def label_for(self, lines: int) -> str:
        """The size label for ``lines`` changed lines."""
        return self.label_prefix + self.size_for(lines)

    def labels(self) -> list[str]:
        """Every size label."""
        return [self.label_prefix + name for name in self.thresholds]

    def is_too_large(self, lines: int) -> bool:
        """Whether ``lines`` reaches ``too_large_from``."""
        return lines >= self.thresholds[self.too_large_from]


class NeedIssueRule(_Strict):
    """PRs must link an issue: GitHub's closing references first, then ``body_pattern`` (group 1 = number)."""

    enabled: bool = True
    labels: list[str] = ["need-issue", "do-not-merge"]
    body_pattern: str = r"(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?|issue)\s*:?\s+#(\d+)\b"
    exempt_types: list[str] = []
    exempt_authors: list[str] = ["dependabot[bot]"]

    _pattern = field_validator("body_pattern")(_check_regex)


class ReleaseCategory(_Strict):
    """A release-notes category: PRs carrying any of ``labels`` go here."""

    title: str
    labels: list[str]


class ReleaseNotesRules(_Strict):
    """How release notes are grouped; categories are used in config order."""

    categories: list[ReleaseCategory] = [
        ReleaseCategory(title="Breaking changes", labels=["breaking-change"]),
        ReleaseCategory(title="Features", labels=["feature"]),
        ReleaseCategory(title="Bug fixes", labels=["bug"]),
        ReleaseCategory(title="Documentation", labels=["documentation"]),
        ReleaseCategory(
            title="Maintenance",
            labels=["internal", "tech-debt", "dependencies", "github-actions", "github-templates", "tests"],
        ),
    ]
    fallback_title: str = "Other changes"
    allow_multiple_categories: bool = False
    exclude_labels: list[str] = []
    summary_placeholder: str = "[Human readable summary of changes]"


class ChangelogRules(_Strict):
    """CHANGELOG.md from semantic commits and tags."""

    path: str = "CHANGELOG.md"
    sections: list[str] = ["Features", "Bug fixes", "Documentation", "Maintenance"]
    breaking_title: str = "Breaking changes"
    tag_pattern: str = r"^v?\d+\.\d+\.\d+$"
    skip_patterns: list[str] = [
        r"^chore\(ci\): (?:changelog rebuild|update changelog)",
        r"^chore\(release\): ",
        r"^chore: bump version",
    ]

    _tag = field_validator("tag_pattern")(_check_regex)

    @field_validator("skip_patterns")
    @classmethod
    def _skips_compile(cls, values: list[str]) -> list[str]:
        return [_check_regex(value) for value in values]


class RevisitRule(_Strict):
    """Issues carrying ``label`` for more than ``after_days`` get one comment and are listed."""

    label: str
    after_days: Annotated[int, Field(gt=0)]


class IssueRules(_Strict):
    """The issue lifecycle: triage, pending release, release notification, revisits."""

    triage_label: str = "triage"
    pending_release_label: str = "pending-release"
    release_url: str = "https://github.com/{repository}/releases/tag/{version}"
    release_comment: str = "This is now released in version [{version}]({url}). Thank you for reporting it!"
    no_linked_issue_comment: str = (
        "This PR was merged without a linked issue, so no issue was labelled `{label}`. "
        "Add the issue reference to the description and re-run the workflow if one exists."
    )
    revisit: list[RevisitRule] = [
        RevisitRule(label="revisit-in-3-months", after_days=90),
        RevisitRule(label="need-more-information", after_days=30),
    ]
    revisit_comment: str = (
        "This issue has carried `{label}` for {days} days. Maintainers: please revisit it, "
        "and either move it forward or close it."
    )


class BoardStatusRule(_Strict):
    """Items matching every condition given (`state`, `label`, `kind`) get `status`; the first rule wins."""

    status: Annotated[str, Field(min_length=1)]
    state: Literal["open", "closed", "merged"] | None = None
    label: str | None = None
    kind: Literal["issue", "pull_request"] | None = None

    @model_validator(mode="after")
    def _has_a_condition(self) -> BoardStatusRule:
        if self.state is None and self.label is None and self.kind is None:
            raise ValueError(f"rule for status {self.status!r} has no condition; give state, label or kind")
        return self


class BoardRules(_Strict):
    """`repo board sync`: which GitHub Projects (v2) board, and how labels and state map to its Status."""

    owner: str | None = Field(default=None, description="Login owning the project (default: the repo owner).")
    owner_type: Literal["organization", "user"] = "organization"
    number: Annotated[int, Field(gt=0)] | None = Field(default=None, description="The project's number.")
    status_field: str = "Status"
    rules: list[BoardStatusRule] = [
        BoardStatusRule(state="merged", status="Shipped"),
        BoardStatusRule(state="closed", status="Shipped"),
        BoardStatusRule(label="pending-release", status="Coming soon"),
        BoardStatusRule(label="triage", status="Triage"),
        BoardStatusRule(kind="pull_request", status="Pending review"),
    ]
    default_status: str | None = Field(default="Backlog", description="When no rule matches; null leaves it.")


class TriageReportRules(_Strict):
    """`repo triage`: when an item needs a maintainer's eyes."""

    no_answer_days: Annotated[int, Field(ge=0)] = 3
    stuck_days: Annotated[int, Field(gt=0)] = 14
    need_info_label: str = "need-more-information"
    need_info_reminder_days: Annotated[int, Field(gt=0)] = 14
    maintainer_associations: list[str] = ["OWNER", "MEMBER", "COLLABORATOR"]


class RepoConfig(_Strict):
    """Everything `fogbank repo` needs. Load it with ``fogbank.repo.config_loader.load_config``."""

    labels: list[LabelModel] = [
        LabelModel(name=s.name, color=s.color, description=s.description) for s in DEFAULT_LABELS
    ]
    extra_labels: list[LabelModel] = []
    retired_labels: list[str] = Field(
        default=[], description="Labels the tool owned once; deleted by --prune."
    )
    types: dict[str, TypeRule] = {
        "feat": TypeRule(label="feature", section="Features"),
        "fix": TypeRule(label="bug", section="Bug fixes"),
        "docs": TypeRule(label="documentation", section="Documentation"),
        "refactor": TypeRule(label="tech-debt", section="Maintenance"),
        "perf": TypeRule(label="tech-debt", section="Maintenance"),
        "test": TypeRule(label="tests", section="Maintenance"),
        "ci": TypeRule(label="github-actions", section="Maintenance"),
        "build": TypeRule(label="dependencies", section="Maintenance"),
        "deps": TypeRule(label="dependencies", section="Maintenance"),
        "chore": TypeRule(label="internal", section="Maintenance"),
        "style": TypeRule(label="internal", section="Maintenance"),
        "revert": TypeRule(label="internal", section="Maintenance"),
    }
    scopes: ScopeRules = ScopeRules()
    breaking_label: str = "breaking-change"
    utility_labels: dict[str, list[str]] = DEFAULT_UTILITY_LABELS
    size: SizeRules = SizeRules()
    need_issue: NeedIssueRule = NeedIssueRule()
    release_notes: ReleaseNotesRules = ReleaseNotesRules()
    changelog: ChangelogRules = ChangelogRules()
    issues: IssueRules = IssueRules()
    board: BoardRules = BoardRules()
    triage: TriageReportRules = TriageReportRules()

    @model_validator(mode="after")
    def _names_are_unique(self) -> RepoConfig:
        names = [label.name for label in self.catalog()]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"labels are defined twice in labels/extra_labels: {', '.join(duplicates)}")
        return self

    def catalog(self) -> list[LabelModel]:
        """The full catalog: ``labels`` then ``extra_labels``."""
        return [*self.labels, *self.extra_labels]

    def owned_labels(self) -> set[str]:
        """Labels `pr label` computes, so it may replace them; every other label on a PR is a human's."""
        owned = set(self.size.labels()) | set(self.utility_labels) | set(self.need_issue.labels)
        owned |= {rule.label for rule in self.types.values() if rule.label}
        owned.add(self.breaking_label)
        return owned
