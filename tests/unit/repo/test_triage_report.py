"""`fogbank repo triage`: the maintainers' view, from an in-memory GitHub (it stands in for GitHub's servers)."""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.repo.config import RepoConfig
from fogbank.repo.github.fake import FakeGitHub
from fogbank.repo.triage_report import build_triage_report

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _feed(github: FakeGitHub, payloads) -> None:  # type: ignore[no-untyped-def]
    issue_payload, pull_payload, labeled_event = payloads.issue, payloads.pull, payloads.labeled
    comment, review = payloads.comment, payloads.review
    github.add_issue_payload(
        issue_payload(1, "Crash on start", labels=("triage",), created_at="2024-05-20T00:00:00Z")
    )
    github.add_issue_payload(
        issue_payload(2, "Answered", labels=("triage",), created_at="2024-05-20T00:00:00Z"),
        comments=[comment(10, "Thanks, looking", "MEMBER")],
    )
    github.add_issue_payload(issue_payload(3, "Fresh", labels=("triage",), created_at="2024-05-31T00:00:00Z"))
    stuck = payloads.pull(4, "feat: contributed", login="outsider")
    stuck |= {"author_association": "CONTRIBUTOR", "updated_at": "2024-05-10T00:00:00Z"}
    github.add_pull_payload(stuck)
    reviewed = pull_payload(5, "fix: reviewed", login="member") | {"author_association": "MEMBER"}
    github.add_pull_payload(reviewed)
    github.reviews[5] = [review("maint", "APPROVED")]
    github.add_pull_payload(pull_payload(6, "wip: draft") | {"draft": True})
    github.add_issue_payload(
        issue_payload(
            7, "Needs details", labels=("need-more-information",), created_at="2024-04-01T00:00:00Z"
        ),
        events=[labeled_event("need-more-information", "2024-05-10T00:00:00Z")],
    )


def test_each_list_holds_exactly_the_items_that_waited_too_long(github, payloads) -> None:  # type: ignore[no-untyped-def]
    # GIVEN issues and PRs in every situation
    _feed(github, payloads)

    # WHEN the report is built
    report = build_triage_report(github, RepoConfig(), NOW)

    # THEN each list holds only the items past their threshold
    assert [(e.number, e.days) for e in report.unanswered] == [(1, 12)]
    assert [e.number for e in report.awaiting_review] == [4]
    assert [(e.number, e.days) for e in report.stuck] == [(4, 22)]
    assert [(e.number, e.days) for e in report.need_info] == [(7, 22)]


def test_markdown_has_every_section_even_when_empty(github, run_cli, payloads) -> None:  # type: ignore[no-untyped-def]
    # GIVEN one stuck contribution only
    stuck = payloads.pull(4, "feat: contributed | piped", login="outsider")
    github.add_pull_payload(
        stuck | {"author_association": "CONTRIBUTOR", "updated_at": "2020-01-01T00:00:00Z"}
    )
    github.reviews[4] = [payloads.review("maint", "COMMENTED")]

    # WHEN `repo triage` runs
    result = run_cli("triage")

    # THEN the Markdown has the four sections, the item in its table, and "Nothing here." elsewhere
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Maintainer triage for octo/repo, ")
    assert "## Issues in triage with no maintainer answer for 3+ days (0)\n\nNothing here." in text
    assert "## Contributions stuck for 14+ days (1)" in text
    assert "| #4 | feat: contributed \\| piped | @outsider |" in text
    assert text.count("Nothing here.") == 3
