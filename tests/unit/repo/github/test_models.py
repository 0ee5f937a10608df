"""`labels sync`, `pr label` and `pr merged` on GitHub. FakeGitHub stands in for GitHub in every test,
fed with payloads shaped like GitHub's REST responses and webhook bodies."""

from __future__ import annotations

from fogbank.repo.github.models import Label


def test_labels_sync_creates_updates_and_prunes_only_owned(github, run_cli):
    # GIVEN (standing in for GitHub) a repo with a stale colour, a retired size label and a human's label
    github.create_label(Label("bug", "ffffff", "Unexpected, reproducible and unintended software behavior"))
    github.create_label(Label("size/XXXL", "000000", "old"))
    github.create_label(Label("good first issue", "7057ff", "Good for newcomers"))
    github.writes.clear()

    # WHEN labels are synced with --prune, first as a dry run, then for real, then again
    dry = run_cli("labels", "sync", "--prune", "--dry-run")
    assert github.writes == []
    real = run_cli("labels", "sync", "--prune")
    again = run_cli("labels", "sync", "--prune")

    # THEN the dry run printed exactly the writes later applied; the human's label is kept; re-running is a no-op
    assert dry.exit_code == real.exit_code == again.exit_code == 0
    assert dry.stdout == real.stdout
    lines = real.stdout.splitlines()
    assert len(lines) == 32 + 1 + 1  # 32 created, bug updated, size/XXXL deleted
    assert "update-label\tbug\tcolor ffffff -> d73a4a" in lines
    assert lines[-1] == "delete-label\tsize/XXXL\towned by fogbank, not in the catalog"
    assert "good first issue" in {label.name for label in github.list_labels()}
    assert "kept (not in the catalog, not owned): good first issue" in real.stderr
    assert again.stdout == ""


def test_pr_label_replaces_owned_labels_keeps_human_ones_and_comments_once(github, run_cli, payloads):
    # GIVEN (standing in for GitHub) an open PR with a stale size label and a human label, 1200 changed lines
    github.add_pull_payload(
        payloads.pull(7, "feat(tracer): add capture", "Closes #3", labels=("size/XS", "help wanted")),
        files=[payloads.file("src/tracer.py", 1100, 50), payloads.file("tests/test_tracer.py", 50)],
        closes=[],
    )
    event = {
        "action": "synchronize",
        "number": 7,
        "pull_request": {"number": 7, "title": "ignored: re-read from API"},
    }

    # WHEN the PR is labelled from the event payload, twice
    first = run_cli("pr", "label", event=event)
    second = run_cli("pr", "label", event=event)

    # THEN owned labels are replaced, the human label stays, and the size comment is written once
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        "add-labels\t#7\tfeature,size/XXL,tests",
        "remove-label\t#7\tsize/XS",
        "create-comment\t#7\tThis PR changes 1200 lines (XXL). Large PRs are hard to review well: "
        "please consider splitting it into smaller ones.",
    ]
    assert sorted(github.get_pull(7).labels) == ["feature", "help wanted", "size/XXL", "tests"]
    assert second.stdout == ""
    assert len(github.list_comments(7)) == 1


def test_pr_label_updates_the_size_comment_in_place(github, run_cli, payloads):
    # GIVEN (standing in for GitHub) a PR that already has fogbank's size comment, then grows
    github.add_pull_payload(payloads.pull(8, "fix: x", "fixes #1"), files=[payloads.file("a.py", 1000)])
    run_cli("pr", "label", "--pr", "8")
    github.pull_files[8] = [payloads.file("a.py", 1500)]

    # WHEN it is labelled again
    result = run_cli("pr", "label", "--pr", "8")

    # THEN the one comment is updated, not repeated
    assert result.stdout.splitlines()[-1].startswith("update-comment\t#8\tThis PR changes 1500 lines")
    comments = github.list_comments(8)
    assert len(comments) == 1 and "1500 lines" in comments[0].body


def test_pr_without_linked_issue_gets_need_issue_and_do_not_merge(github, run_cli, payloads):
    # GIVEN (standing in for GitHub) a PR whose body links nothing and which GitHub reports no closing refs for
    github.add_pull_payload(
        payloads.pull(9, "docs: typo", "small fix"), files=[payloads.file("docs/a.md", 2, 2)]
    )

    # WHEN it is labelled
    result = run_cli("pr", "label", "--pr", "9")

    # THEN need-issue and do-not-merge are added; after linking the issue via GitHub's closing refs they go
    assert result.stdout.splitlines() == ["add-labels\t#9\tdo-not-merge,documentation,need-issue,size/XS"]
    github.closing_refs[9] = [4]
    relabel = run_cli("pr", "label", "--pr", "9")
    assert relabel.stdout.splitlines() == ["remove-label\t#9\tdo-not-merge", "remove-label\t#9\tneed-issue"]


def test_pr_label_warns_on_a_bad_title_but_still_sizes(github, run_cli, payloads):
    # GIVEN (standing in for GitHub) a PR with a non-semantic title
    github.add_pull_payload(
        payloads.pull(10, "Update things", "closes #2"), files=[payloads.file("x.py", 12)]
    )

    # WHEN it is labelled / THEN only size is applied and the title problem is reported
    result = run_cli("pr", "label", "--pr", "10", "--dry-run")
    assert result.stdout.splitlines() == ["add-labels\t#10\tsize/S"]
    assert "warning: title 'Update things' is not semantic" in result.stderr
    assert "dry run: 1 change(s), none applied" in result.stderr


def test_pr_merged_labels_linked_issues_once(github, run_cli, payloads):
    # GIVEN (standing in for GitHub) a merged PR closing #3 (GraphQL) and mentioning "resolves #4" in its body
    github.add_pull_payload(
        payloads.pull(11, "fix: x", "resolves #4", merged_at="2024-05-02T00:00:00Z"), closes=[3]
    )
    github.add_issue_payload(payloads.issue(3))
    github.add_issue_payload(payloads.issue(4))
    event = {"action": "closed", "pull_request": {"number": 11, "merged": True}}

    # WHEN the merged workflow runs twice
    first = run_cli("pr", "merged", event=event)
    second = run_cli("pr", "merged", event=event)

    # THEN both issues get pending-release, once
    assert first.stdout.splitlines() == ["add-labels\t#3\tpending-release", "add-labels\t#4\tpending-release"]
    assert second.stdout == ""


def test_pr_merged_without_issue_comments_once(github, run_cli, payloads):
    # GIVEN (standing in for GitHub) a merged PR that links no issue
    github.add_pull_payload(payloads.pull(12, "chore: x", "", merged_at="2024-05-02T00:00:00Z"))

    # WHEN the merged workflow runs twice / THEN one comment is created and never repeated
    first = run_cli("pr", "merged", "--pr", "12")
    second = run_cli("pr", "merged", "--pr", "12")
    assert first.stdout.startswith("create-comment\t#12\tThis PR was merged without a linked issue")
    assert second.stdout == ""
    assert len(github.list_comments(12)) == 1


def test_check_title_from_event_and_errors(run_cli):
    # GIVEN a pull_request event payload with a breaking title
    event = {"action": "edited", "pull_request": {"number": 1, "title": "refactor(core)!: split modules"}}

    # WHEN the title is checked from the event, and a bad title is checked explicitly
    ok = run_cli("pr", "check-title", event=event)
    bad = run_cli("pr", "check-title", "feat(core) split")

    # THEN the good one gives its labels, the bad one exits 1 saying what is wrong with an example
    assert (
        ok.exit_code == 0 and ok.stdout == "ok\ttype=refactor\tscope=core\tlabels=tech-debt,breaking-change\n"
    )
    assert bad.exit_code == 1
    assert "there is no ':' after the type. Example: 'feat(logger): add a sampling rate'" in bad.stderr


def test_missing_pr_number_is_a_clear_error(run_cli):
    # GIVEN no --pr and no event / WHEN labelling / THEN exit 2 with the next step
    result = run_cli("pr", "label")
    assert result.exit_code == 2
    assert "no pull_request number: pass it explicitly" in result.stderr
