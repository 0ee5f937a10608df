"""Git history as changes: PR numbers from merge and squash commits, logins, semantic titles, breaking notes."""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.repo.git import LogEntry
from fogbank.repo.history import entries_from_log, login_from_email

WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def log_entry(subject: str, body: str = "", *, parents: int = 1, email: str = "ann@example.org") -> LogEntry:
    return LogEntry(
        sha=subject[:7].ljust(7, "0"),
        parents=tuple(f"p{index}" for index in range(parents)),
        author_name="Ann Example",
        author_email=email,
        date=WHEN,
        subject=subject,
        body=body,
    )


def test_a_pr_merge_commit_is_the_pr_with_the_title_from_its_body() -> None:
    # GIVEN a GitHub merge commit whose body's first line is the PR title
    log = [log_entry("Merge pull request #12 from bob/branch", "\nfeat(logger): add sampling\n", parents=2)]
    # WHEN read as history
    (entry,) = entries_from_log(log)
    # THEN it is PR 12 by @bob, with the PR's semantic title
    assert (entry.pr_number, entry.login, entry.title) == (12, "bob", "feat(logger): add sampling")
    assert entry.semantic is not None and entry.semantic.type == "feat" and entry.credit == "@bob"


def test_a_squash_merge_is_the_pr_credited_to_the_noreply_login() -> None:
    # GIVEN a squash commit by an author with a GitHub noreply address
    log = [log_entry("fix(tracer): x (#13)", email="123+carol@users.noreply.github.com")]
    # WHEN read
    (entry,) = entries_from_log(log)
    # THEN the number is taken off the title and the login read from the address
    assert (entry.title, entry.pr_number, entry.credit) == ("fix(tracer): x", 13, "@carol")


def test_other_merge_commits_are_left_out_and_direct_commits_kept_in_order() -> None:
    # GIVEN a branch merge between two direct commits (one not semantic)
    log = [log_entry("docs: a"), log_entry("Merge branch 'x'", parents=2), log_entry("Tidy things")]
    # WHEN read
    entries = entries_from_log(log)
    # THEN the merge is gone, the others keep their order, and the free-form one has no semantic title
    assert [entry.title for entry in entries] == ["docs: a", "Tidy things"]
    assert entries[1].semantic is None and entries[1].pr_number is None
    assert entries[1].credit == "Ann Example"  # no login known: the author's name


def test_breaking_comes_from_the_title_marker_or_a_footer_with_its_note() -> None:
    # GIVEN a "!" title and a BREAKING CHANGE footer
    log = [
        log_entry("feat!: drop python 3.8"),
        log_entry("refactor: api", "Body text.\n\nBREAKING CHANGE: `run` takes a config now "),
        log_entry("fix: small", "BREAKING: not a footer git knows"),
    ]
    # WHEN read
    marker, footer, neither = entries_from_log(log)
    # THEN both are breaking, the footer's note kept; other text is not a breaking footer
    assert marker.breaking and marker.breaking_note is None
    assert footer.breaking and footer.breaking_note == "`run` takes a config now"
    assert not neither.breaking


def test_logins_are_read_only_from_github_noreply_addresses() -> None:
    # GIVEN addresses with and without the numeric prefix, and a normal one
    # WHEN read THEN only noreply addresses give a login
    assert login_from_email("ann@users.noreply.github.com") == "ann"
    assert login_from_email("42+bob@users.noreply.github.com") == "bob"
    assert login_from_email("bob@example.org") is None
    assert login_from_email("bob@users.noreply.github.com.evil.org") is None
