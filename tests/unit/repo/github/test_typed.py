"""githubkit's typed models -> fogbank's GitHub objects. The models are validated by githubkit from payloads
shaped like GitHub's REST responses (every field its OpenAPI description requires); GitHubClient against a
local server shaped like GitHub is tested in tests/integration/repo/test_repo_github_client.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from githubkit_schemas.latest.models import (
    DiffEntry,
    Issue,
    IssueComment,
    Label,
    LabeledIssueEvent,
    PullRequestReview,
    UnlabeledIssueEvent,
)

from fogbank.repo.github.typed import (
    comment_of,
    file_change_of,
    issue_of,
    label_event_of,
    label_of,
    review_of,
)

API = "https://api.github.com/repos/octo/repo"
WHEN = "2024-05-01T10:00:00Z"


def user(login: str) -> dict[str, Any]:
    base = f"https://api.github.com/users/{login}"
    return {"login": login, "id": 7, "node_id": "U_7", "avatar_url": "", "gravatar_id": "", "url": base,
            "html_url": f"https://github.com/{login}", "followers_url": base, "following_url": base,
            "gists_url": base, "starred_url": base, "subscriptions_url": base, "organizations_url": base,
            "repos_url": base, "events_url": base, "received_events_url": base, "type": "User",
            "site_admin": False}  # fmt: skip


def label_payload(name: str, description: str | None) -> dict[str, Any]:
    return {"id": 1, "node_id": "LA_1", "url": f"{API}/labels/{name}", "name": name, "color": "d73a4a",
            "description": description, "default": False, "archived_at": None, "archived_by": None}  # fmt: skip


def issue_payload(number: int, **extra: Any) -> dict[str, Any]:
    return {"id": 100 + number, "node_id": f"I_{number}", "url": f"{API}/issues/{number}",
            "repository_url": API, "labels_url": f"{API}/issues/{number}/labels{{/name}}",
            "comments_url": f"{API}/issues/{number}/comments", "events_url": f"{API}/issues/{number}/events",
            "html_url": f"https://github.com/octo/repo/issues/{number}", "number": number, "state": "open",
            "title": "Crash", "user": user("ann"), "labels": [], "milestone": None, "locked": False,
            "comments": 0, "closed_at": None, "created_at": WHEN, "updated_at": WHEN, **extra}  # fmt: skip


def test_a_label_without_description_reads_as_empty() -> None:
    # GIVEN a label GitHub returns with "description": null / WHEN converted THEN its description is ""
    label = label_of(Label.model_validate(label_payload("bug", None)))
    assert (label.name, label.color, label.description) == ("bug", "d73a4a", "")


def test_an_issue_and_a_pull_listed_as_an_issue_are_told_apart() -> None:
    # GIVEN an issue with a label object and a label name, and a PR as the issues list returns it
    issue = Issue.model_validate(
        issue_payload(1, labels=[label_payload("bug", ""), "triage"], author_association="MEMBER")
    )
    pull = Issue.model_validate(
        issue_payload(
            2,
            draft=True,
            pull_request={
                "url": f"{API}/pulls/2",
                "html_url": "",
                "diff_url": "",
                "patch_url": "",
                "merged_at": None,
            },
        )
    )
    # WHEN converted
    first, second = issue_of(issue), issue_of(pull)
    # THEN labels are names, the PR is marked as one, and absent fields take their defaults
    assert (first.number, first.labels, first.is_pull, first.author, first.author_association) == (
        1, ("bug", "triage"), False, "ann", "MEMBER")  # fmt: skip
    assert first.created_at == datetime(2024, 5, 1, 10, tzinfo=UTC) and not first.draft
    assert second.is_pull and second.draft and second.author_association == "NONE"


def test_a_deleted_users_comment_is_credited_to_ghost() -> None:
    # GIVEN a comment whose author was deleted ("user": null) and whose body is absent
    payload = {"id": 9, "node_id": "IC_9", "url": f"{API}/issues/comments/9", "html_url": "",
               "user": None, "created_at": WHEN, "updated_at": WHEN, "issue_url": f"{API}/issues/1",
               "author_association": "NONE"}  # fmt: skip
    # WHEN converted THEN it is ghost's, with an empty body (GitHub shows deleted users as ghost)
    comment = comment_of(IssueComment.model_validate(payload))
    assert (comment.id, comment.author, comment.body) == (9, "ghost", "")


def test_a_review_and_a_changed_file() -> None:
    # GIVEN a review and a file of a PR
    review = PullRequestReview.model_validate(
        {
            "id": 77,
            "node_id": "PRR_77",
            "user": user("maint"),
            "body": "",
            "state": "APPROVED",
            "html_url": "",
            "pull_request_url": f"{API}/pulls/5",
            "commit_id": "c" * 40,
            "author_association": "MEMBER",
            "submitted_at": WHEN,
            "_links": {"html": {"href": ""}, "pull_request": {"href": ""}},
        }
    )
    diff = DiffEntry.model_validate(
        {
            "sha": "a" * 40,
            "filename": "src/a.py",
            "status": "modified",
            "additions": 3,
            "deletions": 1,
            "changes": 4,
            "blob_url": "",
            "raw_url": "",
            "contents_url": "",
        }
    )
    # WHEN converted THEN the fields fogbank reads are kept
    assert (review_of(review).author, review_of(review).state) == ("maint", "APPROVED")
    assert (file_change_of(diff).path, file_change_of(diff).additions, file_change_of(diff).deletions) == (
        "src/a.py",
        3,
        1,
    )


def test_only_label_events_are_kept() -> None:
    # GIVEN a labeled and an unlabeled event
    common = {"id": 1, "node_id": "E_1", "url": f"{API}/issues/events/1", "actor": user("maint"),
              "commit_id": None, "commit_url": None, "created_at": WHEN, "performed_via_github_app": None,
              "label": {"name": "triage", "color": "fbca04"}}  # fmt: skip
    labeled = LabeledIssueEvent.model_validate({**common, "event": "labeled"})
    unlabeled = UnlabeledIssueEvent.model_validate({**common, "event": "unlabeled"})
    # WHEN converted THEN both give the label and the time; any other event gives None
    assert label_event_of(labeled) is not None and label_event_of(labeled).label == "triage"  # type: ignore[union-attr]
    assert label_event_of(unlabeled).event == "unlabeled"  # type: ignore[union-attr]
    assert label_event_of(labeled).created_at == datetime(2024, 5, 1, 10, tzinfo=UTC)  # type: ignore[union-attr]

    class Closed:
        event = "closed"

    assert label_event_of(Closed()) is None
