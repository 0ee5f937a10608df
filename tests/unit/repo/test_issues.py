"""`issues triage` and `issues revisit`. FakeGitHub stands in for GitHub in every test, fed with payloads
shaped like GitHub's REST responses."""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.repo.config import RepoConfig
from fogbank.repo.issues import plan_revisit


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
