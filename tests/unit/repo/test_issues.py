"""`release notes --online`, `release publish-notify`, `issues triage` and `issues revisit`. FakeGitHub
stands in for GitHub in every test, fed with payloads shaped like GitHub's REST responses."""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.repo.config import RepoConfig
from fogbank.repo.issues import plan_revisit


def test_publish_notify_comments_closes_unlabels_and_never_twice(github, run_cli, payloads):
    # GIVEN (standing in for GitHub) three pending-release issues, one already closed by hand,
    # and one that was already notified before a failed run
    github.add_issue_payload(payloads.issue(1, labels=("pending-release", "bug")))
    github.add_issue_payload(payloads.issue(2, labels=("pending-release",), state="closed"))
    github.add_issue_payload(
        payloads.issue(3, labels=("pending-release",)),
        comments=[{"id": 1, "body": "<!-- fogbank:released:v1.2.0 -->\nold", "user": {"login": "bot"}}],
    )
    github.add_issue_payload(payloads.issue(4, labels=("bug",)))

    # WHEN publish-notify runs twice
    first = run_cli("release", "publish-notify", "--version", "v1.2.0")
    second = run_cli("release", "publish-notify", "--version", "v1.2.0")

    # THEN each issue gets at most one comment linking the release, open ones are closed, the label is gone
    comment = "This is now released in version [v1.2.0](https://github.com/octo/repo/releases/tag/v1.2.0)."
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        f"create-comment\t#1\t{comment} Thank you for reporting it!",
        "close-issue\t#1\treleased in v1.2.0",
        "remove-label\t#1\tpending-release",
        f"create-comment\t#2\t{comment} Thank you for reporting it!",
        "remove-label\t#2\tpending-release",
        "close-issue\t#3\treleased in v1.2.0",
        "remove-label\t#3\tpending-release",
    ]
    assert second.stdout == ""
    assert [len(github.list_comments(n)) for n in (1, 2, 3, 4)] == [1, 1, 1, 0]
    assert github.list_issues(label="pending-release", state="all") == []
    assert github.issues[4]["state"] == "open"


def test_release_notes_online_from_merged_pulls(github, run_cli, payloads):
    # GIVEN (standing in for GitHub) a tag date and PRs merged before and after it, one into another branch
    github.refs["v1.1.0"] = datetime(2024, 5, 1, tzinfo=UTC)
    github.add_pull_payload(
        payloads.pull(20, "feat: old", labels=("feature",), merged_at="2024-04-30T00:00:00Z")
    )
    github.add_pull_payload(
        payloads.pull(
            21,
            "feat(logger)!: new api",
            login="bob",
            labels=("feature", "breaking-change"),
            merged_at="2024-05-02T00:00:00Z",
        )
    )
    github.add_pull_payload(
        payloads.pull(22, "fix: crash", login="Carol", labels=("bug",), merged_at="2024-05-03T00:00:00Z")
    )
    github.add_pull_payload(payloads.pull(23, "chore: misc", login="ann", merged_at="2024-05-03T00:00:00Z"))
    github.add_pull_payload(payloads.pull(24, "feat: other", merged_at="2024-05-03T00:00:00Z", base="v1"))
    github.add_pull_payload(payloads.pull(25, "feat: open"))

    # WHEN notes are drafted online since the tag
    result = run_cli(
        "release", "notes", "--online", "--since", "v1.1.0", "--base", "main", "--version", "v1.2.0"
    )

    # THEN each merged PR appears once, in the first category its labels match, unlabelled ones under Other
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "## Summary\n\n[Human readable summary of changes]\n\n## Changes in v1.2.0\n\n"
        "### Breaking changes\n\n- feat(logger)!: new api (#21) by @bob\n\n"
        "### Bug fixes\n\n- fix: crash (#22) by @Carol\n\n"
        "### Other changes\n\n- chore: misc (#23) by @ann\n\n"
        "**This release was made possible by the following contributors:** @ann, @bob, @Carol\n"
    )


def test_triage_labels_only_unlabelled_open_issues(github, run_cli, payloads):
    # GIVEN (standing in for GitHub) an unlabelled issue, a labelled one, a closed one and an unlabelled PR
    github.add_issue_payload(payloads.issue(1))
    github.add_issue_payload(payloads.issue(2, labels=("bug",)))
    github.add_issue_payload(payloads.issue(3, state="closed"))
    github.add_pull_payload(payloads.pull(4, "feat: x"))

    # WHEN triage runs on the "issues opened" event of #1, then on the labelled #2
    event = {"action": "opened", "issue": {"number": 1}}
    one = run_cli("issues", "triage", "--dry-run", event=event)
    labelled = run_cli("issues", "triage", "--issue", "2")

    # THEN only #1 is labelled triage; a labelled issue is left alone
    assert one.stdout.splitlines() == ["add-labels\t#1\ttriage"]
    assert labelled.stdout == ""


def test_revisit_comments_once_per_labelling_and_lists_overdue(github, payloads):
    # GIVEN (standing in for GitHub) issues labelled revisit-in-3-months 100 and 10 days ago, and one
    # labelled need-more-information 40 days ago
    now = datetime(2024, 6, 1, tzinfo=UTC)
    github.add_issue_payload(
        payloads.issue(1, "Old", labels=("revisit-in-3-months",)),
        events=[payloads.labeled("revisit-in-3-months", "2024-02-22T00:00:00Z")],
    )
    github.add_issue_payload(
        payloads.issue(2, "Recent", labels=("revisit-in-3-months",)),
        events=[payloads.labeled("revisit-in-3-months", "2024-05-22T00:00:00Z")],
    )
    github.add_issue_payload(
        payloads.issue(3, "Quiet", labels=("need-more-information",)),
        events=[
            payloads.labeled("need-more-information", "2024-04-22T00:00:00Z"),
            payloads.labeled("bug", "2024-05-30T00:00:00Z"),
        ],
    )

    # WHEN revisit is planned and applied, then planned again
    overdue, changes = plan_revisit(github, RepoConfig(), now)
    for change in changes:
        change.apply(github)
    _, again = plan_revisit(github, RepoConfig(), now)

    # THEN #1 (100 days) and #3 (40 days) are overdue and commented once; #2 is not
    assert [(o.number, o.label, o.days) for o in overdue] == [
        (1, "revisit-in-3-months", 100),
        (3, "need-more-information", 40),
    ]
    assert [change.describe().split("\t")[:2] for change in changes] == [
        ["create-comment", "#1"],
        ["create-comment", "#3"],
    ]
    assert again == []


def test_revisit_cli_writes_the_step_summary(github, run_cli, payloads, tmp_path, monkeypatch):
    # GIVEN (standing in for GitHub) an issue labelled long ago, and a GitHub Actions step summary file
    github.add_issue_payload(
        payloads.issue(5, "Stale", labels=("revisit-in-3-months",)),
        events=[payloads.labeled("revisit-in-3-months", "2020-01-01T00:00:00Z")],
    )
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    # WHEN revisit runs as a dry run
    result = run_cli("issues", "revisit", "--dry-run")

    # THEN the overdue issue is surfaced in the output and the summary, and nothing is written to GitHub
    assert result.exit_code == 0 and "overdue\t#5\trevisit-in-3-months for" in result.stderr
    assert "### Issues to revisit" in summary.read_text()
    assert github.writes == []
