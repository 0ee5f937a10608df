"""`fogbank repo`: the maintainers' workflow.

Changes to GitHub are printed one per line as ``action<TAB>target<TAB>detail``; with ``--dry-run`` they are
only printed. Exit codes: 0 fine, 1 a check failed (title, lint, changelog --check), 2 an error.

Example:
    $ fogbank repo pr check-title "feat(logger): add sampling"
    $ GITHUB_TOKEN=... fogbank repo labels sync --repo octo/repo --dry-run
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import typer

from fogbank.cli.repo_board import board_app, triage_command
from fogbank.errors import FogbankError
from fogbank.repo.changelog import build_changelog
from fogbank.repo.changes import Change, apply_changes, describe_changes
from fogbank.repo.config import RepoConfig
from fogbank.repo.config_loader import load_config
from fogbank.repo.git import Git
from fogbank.repo.github import connect as github_connect
from fogbank.repo.github.port import GitHubPort
from fogbank.repo.history import entries_from_log
from fogbank.repo.issues import plan_revisit, plan_triage
from fogbank.repo.label_sync import plan_label_sync, unowned_extras
from fogbank.repo.lint import lint_config
from fogbank.repo.pr_labels import PullFacts, decide_labels
from fogbank.repo.publish import plan_publish_notify
from fogbank.repo.pulls import plan_pr_label, plan_pr_merged
from fogbank.repo.release_notes import entries_from_history, entries_from_pulls, render_notes
from fogbank.repo.schema import render_schema
from fogbank.repo.titles import TitleError, check_title

app = typer.Typer(help="The maintainers' workflow: labels, PRs, releases, changelog.", no_args_is_help=True)
labels_app = typer.Typer(help="The label catalog.", no_args_is_help=True)
pr_app = typer.Typer(help="Pull request automation.", no_args_is_help=True)
release_app = typer.Typer(help="Release notes and notifications.", no_args_is_help=True)
issues_app = typer.Typer(help="Issue lifecycle.", no_args_is_help=True)
app.add_typer(labels_app, name="labels")
app.add_typer(pr_app, name="pr")
app.add_typer(release_app, name="release")
app.add_typer(issues_app, name="issues")
app.add_typer(board_app, name="board")
app.command("triage")(triage_command)

T = TypeVar("T")

ROOT = typer.Option(Path("."), "--root", help="The repository checkout (config, git history).")
CONFIG = typer.Option(None, "--config", help="Config file (default: .github/fogbank.yml or pyproject.toml).")
REPO = typer.Option(None, "--repo", help="owner/name on GitHub (default: GITHUB_REPOSITORY).")
DRY_RUN = typer.Option(False, "--dry-run", help="Print the changes without applying them.")


def _pr_number(pr: int | None) -> int:
    """The PR given with --pr, else the one in the GITHUB_EVENT_PATH payload."""
    if pr is not None:
        return pr
    return _guard(lambda: github_connect.number_from_event(os.environ, "pull_request"))


def open_github(repository: str | None) -> GitHubPort:
    """The GitHub repository to work on; tests replace this function with one returning a fake."""
    env = os.environ
    return github_connect.connect(github_connect.repository_name(repository, env), env)


def _guard(action: Callable[[], T]) -> T:
    try:
        return action()
    except FogbankError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


def _config(root: Path, config: Path | None) -> RepoConfig:
    return _guard(lambda: load_config(root, config).config)


def _run(changes: Sequence[Change], github: GitHubPort, dry_run: bool) -> None:
    for line in describe_changes(changes):
        typer.echo(line)
    if dry_run:
        typer.echo(f"dry run: {len(changes)} change(s), none applied", err=True)
        return
    _guard(lambda: apply_changes(changes, github))
    typer.echo(f"applied {len(changes)} change(s)", err=True)


@app.command("lint-config")
def lint_config_command(root: Path = ROOT, config: Path | None = CONFIG) -> None:
    """Report dead globs, labels missing from the catalog, and types without label or section."""
    loaded = _guard(lambda: load_config(root, config))
    files = _guard(lambda: Git(root).tracked_files())
    problems = lint_config(loaded.config, files)
    for problem in problems:
        typer.echo(f"{loaded.source}: {problem}")
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{loaded.source}: ok", err=True)


@app.command("schema")
def schema_command() -> None:
    """Print the config's JSON Schema."""
    typer.echo(render_schema(), nl=False)


@labels_app.command("sync")
def labels_sync(
    root: Path = ROOT,
    config: Path | None = CONFIG,
    repo: str | None = REPO,
    prune: bool = typer.Option(False, "--prune", help="Delete labels fogbank owns that left the catalog."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Create and update labels from the catalog."""
    settings = _config(root, config)
    github = _guard(lambda: open_github(repo))
    existing = _guard(github.list_labels)
    _run(plan_label_sync(settings, existing, prune=prune), github, dry_run)
    extras = unowned_extras(settings, existing)
    if extras:
        typer.echo(f"kept (not in the catalog, not owned): {', '.join(extras)}", err=True)


@pr_app.command("check-title")
def pr_check_title(
    title: str | None = typer.Argument(None, help="The title (default: the PR in GITHUB_EVENT_PATH)."),
    root: Path = ROOT,
    config: Path | None = CONFIG,
) -> None:
    """Check `type(scope)!: subject`; exit 1 with what is wrong and an example."""
    settings = _config(root, config)
    if title is None:
        payload = _guard(lambda: github_connect.event_payload(os.environ)) or {}
        pull_request = payload.get("pull_request")
        if not isinstance(pull_request, dict) or "title" not in pull_request:
            typer.echo(
                "error: no title given and no pull_request in GITHUB_EVENT_PATH; "
                "pass the title, e.g. fogbank repo pr check-title 'feat(logger): add sampling'",
                err=True,
            )
            raise typer.Exit(2)
        title = str(pull_request["title"])
    rules = settings.scopes
    try:
        parsed = check_title(
            title, settings.types, rules.allowed, rules.aliases, require_scope=rules.required
        )
    except TitleError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    labels = [label for label in [settings.types[parsed.type].label] if label]
    if parsed.breaking:
        labels.append(settings.breaking_label)
    typer.echo(f"ok\ttype={parsed.type}\tscope={parsed.scope or ''}\tlabels={','.join(labels)}")


@pr_app.command("label")
def pr_label(
    pr: int | None = typer.Option(
        None, "--pr", help="PR number on GitHub (default: from GITHUB_EVENT_PATH)."
    ),
    base: str | None = typer.Option(None, "--base", help="Offline: the base ref in the local checkout."),
    head: str | None = typer.Option(None, "--head", help="Offline: the head ref in the local checkout."),
    title: str = typer.Option("", "--title", help="Offline: the PR title."),
    body: str = typer.Option("", "--body", help="Offline: the PR body."),
    root: Path = ROOT,
    config: Path | None = CONFIG,
    repo: str | None = REPO,
    dry_run: bool = DRY_RUN,
) -> None:
    """Compute a PR's labels (size, utility, kind, need-issue) and apply them idempotently."""
    settings = _config(root, config)
    if base is not None or head is not None:
        _pr_label_offline(settings, root, base or "HEAD", head or "HEAD", title, body)
        return
    github = _guard(lambda: open_github(repo))
    number = _pr_number(pr)
    decision, changes = _guard(lambda: plan_pr_label(github, number, settings))
    if decision.title_problem:
        typer.echo(f"warning: {decision.title_problem}", err=True)
    typer.echo(f"size {decision.size.size}: {decision.size.lines} lines", err=True)
    _run(changes, github, dry_run)


def _pr_label_offline(settings: RepoConfig, root: Path, base: str, head: str, title: str, body: str) -> None:
    git = _guard(lambda: Git(root))
    facts = PullFacts(
        title=title,
        body=body,
        author="",
        changes=_guard(lambda: git.numstat(base, head)),
        gitattributes=git.show_file(head, ".gitattributes"),
        closing_issues=[],
    )
    decision = decide_labels(facts, settings)
    if decision.title_problem:
        typer.echo(f"warning: {decision.title_problem}", err=True)
    for path, reason in decision.size.excluded:
        typer.echo(f"not counted: {path} ({reason})", err=True)
    typer.echo(f"size {decision.size.size}: {decision.size.lines} lines", err=True)
    for label in sorted(decision.labels):
        typer.echo(label)


@pr_app.command("merged")
def pr_merged(
    pr: int | None = typer.Option(None, "--pr", help="PR number (default: from GITHUB_EVENT_PATH)."),
    root: Path = ROOT,
    config: Path | None = CONFIG,
    repo: str | None = REPO,
    dry_run: bool = DRY_RUN,
) -> None:
    """Label the linked issues pending-release, or comment on the PR when it links none."""
    settings = _config(root, config)
    github = _guard(lambda: open_github(repo))
    number = _pr_number(pr)
    _run(_guard(lambda: plan_pr_merged(github, number, settings)), github, dry_run)


@release_app.command("notes")
def release_notes(
    since: str | None = typer.Option(None, "--since", help="Previous tag (default: the latest tag)."),
    version: str | None = typer.Option(None, "--version", help="The version being released."),
    online: bool = typer.Option(False, "--online", help="Use merged PRs on GitHub instead of git history."),
    base: str | None = typer.Option(None, "--base", help="Online: only PRs merged into this branch."),
    root: Path = ROOT,
    config: Path | None = CONFIG,
    repo: str | None = REPO,
) -> None:
    """Print Markdown release notes grouped by category, crediting contributors."""
    settings = _config(root, config)
    if online:
        github = _guard(lambda: open_github(repo))
        after = _guard(lambda: github.ref_date(since)) if since else None
        entries = entries_from_pulls(_guard(lambda: github.list_merged_pulls(base, after)))
    else:
        git = _guard(lambda: Git(root))
        tags = _guard(lambda: git.tags(settings.changelog.tag_pattern))
        start = since or (tags[-1] if tags else None)
        history = entries_from_log(_guard(lambda: git.log(f"{start}..HEAD" if start else "HEAD")))
        entries = entries_from_history(history, settings)
    typer.echo(render_notes(entries, settings, version), nl=False)


@release_app.command("publish-notify")
def release_publish_notify(
    version: str = typer.Option(..., "--version", help="The released version, e.g. v1.2.0."),
    root: Path = ROOT,
    config: Path | None = CONFIG,
    repo: str | None = REPO,
    dry_run: bool = DRY_RUN,
) -> None:
    """Comment on and close every pending-release issue, and remove the label."""
    settings = _config(root, config)
    repository = _guard(lambda: github_connect.repository_name(repo, os.environ))
    github = _guard(lambda: open_github(repository))
    _run(_guard(lambda: plan_publish_notify(github, settings, version, repository)), github, dry_run)


@app.command("changelog")
def changelog(
    root: Path = ROOT,
    config: Path | None = CONFIG,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the diff without writing."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when the file is not up to date."),
) -> None:
    """Regenerate CHANGELOG.md from semantic commits and tags (stable: a second run changes nothing)."""
    settings = _config(root, config)
    git = _guard(lambda: Git(root))
    path = git.root / settings.changelog.path
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    result = _guard(lambda: build_changelog(git, settings, existing))
    for entry in result.not_semantic:
        typer.echo(f"not semantic, left out: {entry.sha[:7]} {entry.title}", err=True)
    diff = list(
        difflib.unified_diff(
            (existing or "").splitlines(True), result.text.splitlines(True), str(path), str(path)
        )
    )
    if dry_run or check:
        sys.stdout.writelines(diff)
        if check and diff:
            raise typer.Exit(1)
        return
    if diff:
        path.write_text(result.text, encoding="utf-8")
    typer.echo(f"{path}: {'updated' if diff else 'unchanged'}", err=True)


@issues_app.command("triage")
def issues_triage(
    issue: int | None = typer.Option(
        None, "--issue", help="One issue (default: the event's, else all open)."
    ),
    root: Path = ROOT,
    config: Path | None = CONFIG,
    repo: str | None = REPO,
    dry_run: bool = DRY_RUN,
) -> None:
    """Label new issues without labels `triage`."""
    settings = _config(root, config)
    github = _guard(lambda: open_github(repo))
    if issue is None:
        payload = _guard(lambda: github_connect.event_payload(os.environ)) or {}
        number = payload.get("issue", {}).get("number")
        issue = int(number) if number is not None else None
    _run(_guard(lambda: plan_triage(github, settings, issue)), github, dry_run)


@issues_app.command("revisit")
def issues_revisit(
    root: Path = ROOT,
    config: Path | None = CONFIG,
    repo: str | None = REPO,
    dry_run: bool = DRY_RUN,
) -> None:
    """Comment once on, and list, issues that carried a revisit label past their time."""
    settings = _config(root, config)
    github = _guard(lambda: open_github(repo))
    overdue, changes = _guard(lambda: plan_revisit(github, settings, datetime.now(tz=UTC)))
    summary = [f"overdue\t#{o.number}\t{o.label} for {o.days} days: {o.title}" for o in overdue]
    for line in summary:
        typer.echo(line, err=True)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write("### Issues to revisit\n\n" + "".join(f"- {line}\n" for line in summary))
    _run(changes, github, dry_run)
