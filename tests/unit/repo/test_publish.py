"""`release publish-notify`: comment, close and unlabel each pending-release issue, once per version.
FakeGitHub stands in for GitHub's servers, fed with payloads shaped like GitHub's REST responses."""

from __future__ import annotations

from fogbank.repo.config import IssueRules, RepoConfig
from fogbank.repo.github.fake import FakeGitHub
from fogbank.repo.publish import plan_publish_notify


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


def test_the_release_url_and_comment_come_from_the_config_and_a_pull_is_not_closed(
    github: FakeGitHub, payloads
) -> None:
    # GIVEN a pending-release PR (PRs carry the label too), and custom url and comment templates
    github.add_pull_payload(payloads.pull(8, "fix: x", labels=("pending-release",)))
    config = RepoConfig(
        issues=IssueRules(
            release_url="https://example.org/{repository}/{version}", release_comment="Out: {url}"
        )
    )
    # WHEN the notification is planned
    changes = plan_publish_notify(github, config, "2.0.0", "octo/repo")
    # THEN the comment uses both templates, and the PR is unlabelled but not closed by fogbank
    assert [change.describe() for change in changes] == [
        "create-comment\t#8\tOut: https://example.org/octo/repo/2.0.0",
        "remove-label\t#8\tpending-release",
    ]
    assert github.writes == []  # planning writes nothing
