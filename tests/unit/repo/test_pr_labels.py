"""The labels a PR should carry: size, utility by path, kind by title, breaking, need-issue."""

from __future__ import annotations

from fogbank.repo.config import NeedIssueRule, RepoConfig
from fogbank.repo.git import FileChange
from fogbank.repo.pr_labels import PullFacts, decide_labels, label_delta, linked_issues


def facts(
    title: str,
    body: str = "closes #1",
    *,
    author: str = "ann",
    changes: tuple[FileChange, ...] = (FileChange("src/app.py", 5, 0),),
    closing: tuple[int, ...] = (),
) -> PullFacts:
    return PullFacts(title, body, author, list(changes), None, list(closing))


def test_a_fix_touching_tests_and_docs_gets_kind_size_and_utility_labels() -> None:
    # GIVEN a semantic fix changing 40 lines in tests and docs, linking an issue
    changes = (FileChange("tests/test_a.py", 30, 0), FileChange("docs/guide.md", 5, 5))
    # WHEN labels are decided
    decision = decide_labels(facts("fix(tracer): handle None", changes=changes), RepoConfig())
    # THEN the labels are the kind of its type, its size and the utilities of its paths
    assert decision.labels == {"bug", "size/M", "tests", "documentation"}
    assert decision.title is not None and decision.title.scope == "tracer"
    assert decision.title_problem is None and not decision.needs_issue


def test_a_breaking_title_adds_the_breaking_label() -> None:
    # GIVEN a breaking feature title / WHEN labelled THEN it carries feature and breaking-change
    decision = decide_labels(facts("feat(logger)!: drop py3.8"), RepoConfig())
    assert {"feature", "breaking-change"} <= decision.labels


def test_a_title_that_is_not_semantic_gets_no_kind_and_says_why() -> None:
    # GIVEN a free-form title / WHEN labelled
    decision = decide_labels(facts("Fixed some stuff"), RepoConfig())
    # THEN no kind label is added, the size still is, and the problem is kept for the check
    assert decision.title is None and decision.title_problem
    assert decision.labels == {"size/XS"}


def test_a_pr_without_a_linked_issue_gets_the_need_issue_labels_unless_exempt() -> None:
    # GIVEN PRs without issue: by a person, by dependabot (exempt author), and of an exempt type
    config = RepoConfig(need_issue=NeedIssueRule(exempt_types=["docs"]))
    person = decide_labels(facts("fix: x", body="no reference"), config)
    bot = decide_labels(facts("fix: x", body="", author="dependabot[bot]"), config)
    docs = decide_labels(facts("docs: typo", body=""), config)
    # WHEN / THEN only the person's PR needs an issue
    assert person.needs_issue and {"need-issue", "do-not-merge"} <= person.labels
    assert not bot.needs_issue and "need-issue" not in bot.labels
    assert not docs.needs_issue and "need-issue" not in docs.labels


def test_need_issue_can_be_switched_off() -> None:
    # GIVEN the rule disabled / WHEN a PR without issue is labelled THEN it needs none
    decision = decide_labels(facts("fix: x", body=""), RepoConfig(need_issue=NeedIssueRule(enabled=False)))
    assert not decision.needs_issue and "need-issue" not in decision.labels


def test_linked_issues_come_from_closing_references_then_the_body_without_repeats() -> None:
    # GIVEN GitHub's closing references and a body naming issues in several spellings
    body = "Fixes #12, closes: #3 and resolves #12. See issue #40. Not #99 alone."
    # WHEN linked issues are read
    numbers = linked_issues(body, [7, 3], RepoConfig().need_issue.body_pattern)
    # THEN closing references come first, then the body's, each once; a bare "#99" links nothing
    assert numbers == (7, 3, 12, 40)


def test_label_delta_replaces_owned_labels_and_keeps_human_ones() -> None:
    # GIVEN a PR carrying an old size label, a stale kind label and a human's label
    current = ["size/S", "bug", "help wanted"]
    wanted = {"size/M", "feature"}
    owned = RepoConfig().owned_labels()
    # WHEN the delta is computed
    add, remove = label_delta(current, wanted, owned)
    # THEN the new labels are added, owned stale ones removed, the human's label kept
    assert add == ["feature", "size/M"]
    assert remove == ["bug", "size/S"]
