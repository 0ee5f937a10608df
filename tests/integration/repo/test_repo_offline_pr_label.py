"""Offline `pr label` on a real temporary git checkout: sizes, ignored and generated files, utility labels."""

from __future__ import annotations

from typer.testing import CliRunner

from fogbank.cli.main import app


def build_pr(repo, make_lines) -> None:
    repo.commit("chore: initial", {"src/app.py": make_lines(3), "docs/api/index.md": "# api\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        "feat(logger): add sampling",
        {
            "src/app.py": make_lines(12, "code"),  # 12 added, 3 deleted
            "tests/test_app.py": make_lines(5),
            "docs/api/generated.md": make_lines(500),
            "poetry.lock": make_lines(900),
            ".gitattributes": "docs/api/generated.md linguist-generated=true\n",
        },
    )


def invoke(repo, *extra: str):
    args = ["repo", "pr", "label", "--root", str(repo.path), "--base", "main", "--head", "feature", *extra]
    return CliRunner().invoke(app, args)


def test_offline_labels_count_only_real_lines(git_repo, make_lines):
    # GIVEN a branch changing 15 lines of code, 5 of tests, a generated doc (500) and a lock file (900)
    build_pr(git_repo, make_lines)

    # WHEN the PR is labelled offline with a semantic title and no linked issue
    result = invoke(git_repo, "--title", "feat(logger): add sampling", "--body", "no link here")

    # THEN generated and ignored files are left out of the size: 15 + 5 + 1 (.gitattributes) = 21 -> size/S
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "dependencies",
        "do-not-merge",
        "documentation",
        "feature",
        "need-issue",
        "size/S",
        "tests",
    ]
    assert "size S: 21 lines" in result.stderr
    assert "not counted: docs/api/generated.md (linguist-generated)" in result.stderr
    assert "not counted: poetry.lock (ignored by size.ignore)" in result.stderr


def test_offline_linked_issue_and_breaking_title(git_repo, make_lines):
    # GIVEN the same branch
    build_pr(git_repo, make_lines)

    # WHEN the body links an issue and the title marks a breaking change
    result = invoke(git_repo, "--title", "feat(logger)!: add sampling", "--body", "Closes #12")

    # THEN need-issue is not applied and breaking-change is
    assert result.exit_code == 0, result.output
    labels = result.stdout.splitlines()
    assert "breaking-change" in labels and "feature" in labels
    assert "need-issue" not in labels and "do-not-merge" not in labels


def test_offline_generated_files_count_when_config_says_so(git_repo, make_lines):
    # GIVEN a config in pyproject.toml that does not honour linguist-generated and ignores nothing
    git_repo.commit(
        "chore: config",
        {"pyproject.toml": "[tool.fogbank.repo.size]\nhonour_linguist_generated = false\nignore = []\n"},
    )
    build_pr(git_repo, make_lines)

    # WHEN the PR is labelled offline
    result = invoke(git_repo, "--title", "feat: x", "--body", "fixes #1")

    # THEN every line counts: 21 + 500 + 900 = 1421 -> size/XXL
    assert result.exit_code == 0, result.output
    assert "size/XXL" in result.stdout.splitlines()
    assert "size XXL: 1421 lines" in result.stderr
