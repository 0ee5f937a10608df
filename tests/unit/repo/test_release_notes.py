"""Release notes: entries grouped by category in config order, then contributors. Online entries come from
merged PRs (FakeGitHub stands in for GitHub's servers), offline ones from semantic history."""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.repo.config import ReleaseCategory, ReleaseNotesRules, RepoConfig
from fogbank.repo.history import HistoryEntry
from fogbank.repo.release_notes import NoteEntry, entries_from_history, render_notes
from fogbank.repo.titles import TitleError, parse_title


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


def history_entry(
    title: str, *, number: int | None = None, login: str | None = "ann", breaking: bool = False
):
    try:
        semantic = parse_title(title)
    except TitleError:
        semantic = None
    return HistoryEntry(
        sha="0123456789abcdef",
        title=title,
        pr_number=number,
        login=login,
        author_name="Ann Example",
        date=datetime(2024, 5, 1, tzinfo=UTC),
        semantic=semantic,
        breaking=breaking or bool(semantic and semantic.breaking),
        breaking_note=None,
    )


def test_offline_entries_get_the_labels_pr_label_would_give_and_skip_release_chores() -> None:
    # GIVEN history, newest first: a release chore, a breaking feature, a fix, a free-form commit
    history = [
        history_entry("chore(release): v1.2.0"),
        history_entry("feat(logger)!: new api", number=21),
        history_entry("fix: crash", login=None),
        history_entry("Update README"),
    ]
    # WHEN entries are built
    entries = entries_from_history(history, RepoConfig())
    # THEN they are oldest first, labelled by type and breaking marker, the chore skipped
    assert [(e.title, sorted(e.labels)) for e in entries] == [
        ("Update README", []),
        ("fix: crash", ["bug"]),
        ("feat(logger)!: new api", ["breaking-change", "feature"]),
    ]
    # AND a commit without PR is referenced by its short sha, credited by name when no login is known
    assert entries[1].render() == "- fix: crash (0123456) by Ann Example"
    assert entries[2].render() == "- feat(logger)!: new api (#21) by @ann"


def test_multiple_categories_exclusions_and_contributors_once_case_insensitively() -> None:
    # GIVEN a PR in two categories, an excluded one, and two spellings of one contributor
    config = RepoConfig(
        release_notes=ReleaseNotesRules(
            categories=[
                ReleaseCategory(title="Features", labels=["feature"]),
                ReleaseCategory(title="Docs", labels=["documentation"]),
            ],
            allow_multiple_categories=True,
            exclude_labels=["skip-changelog"],
        )
    )
    entries = [
        NoteEntry("feat: guide", 1, None, "@Ann", frozenset({"feature", "documentation"})),
        NoteEntry("chore: hidden", 2, None, "@zed", frozenset({"skip-changelog"})),
        NoteEntry("docs: more", 3, None, "@ann", frozenset({"documentation"})),
    ]
    # WHEN rendered
    notes = render_notes(entries, config)
    # THEN the PR is listed in both categories, the excluded one nowhere, each contributor once
    assert "### Features\n\n- feat: guide (#1) by @Ann\n" in notes
    assert "### Docs\n\n- feat: guide (#1) by @Ann\n- docs: more (#3) by @ann\n" in notes
    assert "hidden" not in notes and "@zed" not in notes
    assert notes.endswith("contributors:** @Ann\n")
    assert "## Changes\n" in notes  # no version given


def test_no_entries_says_no_changes_and_no_contributors() -> None:
    # GIVEN no entries / WHEN rendered THEN the notes say so instead of being empty
    notes = render_notes([], RepoConfig(), version="v2.0.0")
    assert "## Changes in v2.0.0\n\nNo changes.\n" in notes
    assert notes.endswith("contributors:** none\n")
