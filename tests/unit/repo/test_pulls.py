"""`pr label` and `pr merged` against GitHub: read the PR, plan idempotent writes. FakeGitHub stands in for
GitHub's servers, fed with payloads shaped like GitHub's REST responses."""

from __future__ import annotations

from fogbank.repo.changes import apply_changes
from fogbank.repo.config import RepoConfig
from fogbank.repo.github.fake import FakeGitHub
from fogbank.repo.pulls import SIZE_MARKER, plan_pr_label, plan_pr_merged


def test_pr_label_adds_computed_labels_removes_stale_owned_ones_and_keeps_a_humans(
    github: FakeGitHub, payloads
) -> None:
    # GIVEN a fix PR carrying a stale size label and a human's label, changing 12 lines of tests
    github.add_pull_payload(
        payloads.pull(5, "fix: x", "closes #1", labels=("size/XS", "help wanted")),
        files=[payloads.file("tests/test_a.py", 10, 2)],
    )
    # WHEN labels are planned and applied, then planned again
    decision, changes = plan_pr_label(github, 5, RepoConfig())
    apply_changes(changes, github)
    _, again = plan_pr_label(github, 5, RepoConfig())
    # THEN the computed labels are added and the stale one removed in one pass, and the second pass is empty
    assert [change.describe() for change in changes] == [
        "add-labels\t#5\tbug,size/S,tests",
        "remove-label\t#5\tsize/XS",
    ]
    assert sorted(github.get_pull(5).labels) == ["bug", "help wanted", "size/S", "tests"]
    assert again == [] and decision.linked_issues == (1,)


def test_a_too_large_pr_gets_one_size_comment_updated_in_place(github: FakeGitHub, payloads) -> None:
    # GIVEN a PR of 1200 lines
    github.add_pull_payload(
        payloads.pull(6, "feat: big", "closes #2"), files=[payloads.file("src/a.py", 1200)]
    )
    # WHEN labelled twice, the second time after it grew
    apply_changes(plan_pr_label(github, 6, RepoConfig())[1], github)
    github.pull_files[6] = [payloads.file("src/a.py", 1500)]
    _, second = plan_pr_label(github, 6, RepoConfig())
    apply_changes(second, github)
    # THEN one comment with the marker exists, and it names the new line count
    comments = github.list_comments(6)
    assert len(comments) == 1 and comments[0].body.startswith(SIZE_MARKER)
    assert "changes 1500 lines (XXL)" in comments[0].body
    assert [change.action for change in second] == ["update-comment"]


def test_pr_merged_labels_linked_issues_once_and_comments_when_none(github: FakeGitHub, payloads) -> None:
    # GIVEN a merged PR linking issues 7 (already labelled) and 8, and a merged PR linking none
    merged = "2024-05-02T00:00:00Z"
    github.add_pull_payload(payloads.pull(9, "fix: y", "Fixes #7 and closes #8", merged_at=merged))
    github.add_pull_payload(payloads.pull(10, "fix: z", "nothing", merged_at=merged))
    github.add_issue_payload(payloads.issue(7, labels=("pending-release",)))
    github.add_issue_payload(payloads.issue(8))
    # WHEN pr merged is planned for both
    linked = [change.describe() for change in plan_pr_merged(github, 9, RepoConfig())]
    unlinked = plan_pr_merged(github, 10, RepoConfig())
    # THEN only the unlabelled issue gets the label; the PR without issue gets the explaining comment once
    assert linked == ["add-labels\t#8\tpending-release"]
    assert [change.action for change in unlinked] == ["create-comment"]
    assert "merged without a linked issue" in unlinked[0].detail
    apply_changes(unlinked, github)
    assert plan_pr_merged(github, 10, RepoConfig()) == []
