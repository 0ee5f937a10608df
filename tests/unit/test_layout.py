"""tests/unit mirrors src/fogbank: `src/fogbank/a/b.py` is tested in `tests/unit/a/test_b.py`.

A source module without its unit test module must be named in COVERED_ELSEWHERE, one entry per module, whose
value starts with the test files that exercise it and then says why not here, so that a change shows which
tests to read: `"repo/git": "tests/integration/repo/test_repo_offline_history.py: real git repositories"`.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "fogbank"
UNIT = ROOT / "tests" / "unit"

_CLOUD_RUNNING = "needs a running local cloud"
# module (relative to src/fogbank, without .py) -> "tests/<file>.py[, tests/<file>.py]: why not here"
COVERED_ELSEWHERE: dict[str, str] = {
    "cloud/aws_state/preload": "tests/unit/cloud/test_warmup.py: WarmUp runs it for real and checks that "
    "moto's models were imported (it is about speed only)",
    "cloud/telemetry/records": "tests/unit/cloud/telemetry/test_lambda_segments.py, "
    "tests/unit/cloud/lambda_/test_platform_logs.py: frozen records only, built and read by these tests",
    "cloud/console/app": "tests/integration/cloud/test_console_component.py, "
    "tests/integration/browser/test_console_in_browser.py: every page reads a running cloud (its doctest "
    "covers the redirect and the origin guard)",
    "cloud/console/component": "tests/integration/cloud/test_console_component.py: the console on its own "
    "port of a running cloud",
    "cloud/console/reader": "tests/integration/cloud/test_console_component.py, "
    "tests/integration/browser/test_console_in_browser.py: reads a running cloud through its public APIs",
    "cloud/console/server": "tests/integration/cloud/test_console_component.py, "
    "tests/integration/browser/test_console_in_browser.py: the console's HTTP listener",
    "cloud/context": "tests/integration/cloud/test_server.py, "
    "tests/integration/telemetry/test_telemetry_apis.py: LocalCloud.context of a running cloud, read by many "
    "integration tests",
    "cloud/contracts": "tests/integration/cloud/test_server.py: Protocols only (mypy --strict checks every "
    "component against them); the test starts every component wired through them",
    "cloud/elasticache/server": "tests/unit/cloud/elasticache/test_component.py, tests/integration/elasticache/test_server_start.py, "
    "tests/integration/elasticache/test_cache_lifecycle.py: real redis-server processes started and ended",
    "cloud/frontdoors/events/identity": "tests/unit/cloud/frontdoors/test_sigv4.py, "
    "tests/unit/cloud/frontdoors/events/test_apigw_v2.py: a record only (its doctest checks root()), made by "
    "the verifier and shown in events",
    "cloud/frontdoors/remote": "tests/integration/frontdoors/test_doors_from_endpoint_sessions.py: attaches "
    "to a cloud started by `fogbank cloud start`",
    "cloud/server": "tests/integration/cloud/test_server.py, "
    "tests/integration/lambda_/test_lambda_cleanup.py: LocalCloud start, stop and `fogbank cloud start`",
    "cloud/wiring": "tests/integration/cloud/test_server.py: starts every component of a running cloud",
    "cloud/cloudformation/reads": "tests/unit/cloud/cloudformation/test_api.py, "
    "tests/unit/cloud/cloudformation/test_operations.py: the read actions, answered through the engine's "
    "CloudFormation API as boto3 calls them",
    "cloud/cloudformation/providers/custom": "tests/integration/cloudformation/test_custom_resources.py, "
    "tests/integration/cloudformation/test_custom_failures.py, "
    "tests/integration/cloudformation/test_cdk_handlers.py: custom resources whose functions run in real "
    "workers",
    "cloud/cloudformation/providers/elasticache": "tests/integration/elasticache/test_elasticache_stack.py, "
    "tests/integration/elasticache/test_cache_lifecycle.py: caches deployed with real redis-server processes",
    "cloud/cloudformation/providers/elbv2": "tests/integration/frontdoors/test_doors_deployed.py, "
    "tests/integration/frontdoors/test_stack_updates.py, "
    "tests/integration/frontdoors/test_doors_permissions.py: load balancers deployed and served on a running "
    "cloud",
    "cloud/aws_state/service_calls": "tests/integration/iam/test_service_permissions.py: moto's event source "
    "mappings, bucket notifications, SNS deliveries and subscription filters in a running cloud",
    "cloud/aws_state/s3_destinations": "tests/integration/iam/test_service_permissions.py, "
    "tests/integration/iam/test_service_permissions_cdk.py: bucket notifications validated and delivered in a "
    "running cloud",
    "cloud/aws_state/sqs_lambda": "tests/integration/iam/test_service_permissions.py: batches delivered by SQS "
    "event source mappings to real functions in a running cloud",
    "cloud/aws_state/sqs_windows": "tests/integration/cloudformation/test_event_source_stacks.py, "
    "tests/integration/iam/test_service_permissions.py: an SQS event source's batching window and retries after "
    "the visibility timeout, polled by timers for real functions in a running cloud",
    "cloud/aws_state/esm_checks": "tests/integration/iam/test_service_permissions.py, "
    "tests/integration/cloudformation/test_event_source_stacks.py: CreateEventSourceMapping's refusals through the "
    "Lambda API and CloudFormation of a running cloud",
    "cloud/aws_state/event_source_links": "tests/integration/iam/test_service_permissions.py: two functions "
    "mapped to one Kinesis stream, and a mapping moved to another function, delivering in a running cloud",
    "cloud/aws_state/sns_lambda": "tests/integration/iam/test_service_permissions.py, "
    "tests/integration/lambda_/test_lambda_invoke.py: SNS deliveries to real functions in a running cloud",
    "cloud/lambda_/component": "tests/integration/lambda_/test_lambda_invoke.py, "
    "tests/integration/lambda_/test_lambda_regions.py, tests/integration/lambda_/test_architectures.py: the "
    "Lambda component of a running cloud",
    "cloud/lambda_/invoke": "tests/integration/lambda_/test_lambda_invoke.py, "
    "tests/integration/lambda_/test_lambda_failures.py, tests/integration/lambda_/test_lambda_logs.py: "
    "Invoke on real worker processes",
    "cloud/lambda_/node_runtime": "tests/integration/lambda_/test_node_sdk.py, "
    "tests/integration/cloudformation/test_cdk_handlers.py: the SDK installed with npm and used by real "
    "Node.js workers",
    "cloud/lambda_/pool": "tests/integration/lambda_/test_lambda_node_and_workers.py, "
    "tests/integration/lambda_/test_lambda_failures.py: parallel workers and reserved concurrency on a "
    "running cloud",
    "cloud/lambda_/process": "tests/integration/lambda_/test_lambda_cleanup.py, "
    "tests/integration/lambda_/test_lambda_node_and_workers.py: real worker processes started and ended",
    "cloud/lambda_/worker_boot": "tests/integration/frontdoors/test_doors_from_workers.py, "
    "tests/integration/lambda_/test_runtime_isolation.py: the first module of real Python workers",
    "cloud/lambda_/zygote": "tests/integration/lambda_/test_zygote_recovery.py, "
    "tests/integration/lambda_/test_zygote_fork_timeout.py, "
    "tests/integration/lambda_/test_opt_and_environments.py: environments forked from a real zygote process",
    # -- outside cloud/: one entry per module; the value starts with the test files that exercise it
    "local_credentials": "tests/unit/cloud/test_site.py: constants only (its doctest checks they agree); the "
    "environment a cloud gives boto3 is checked to carry them",
    "pytest_plugin/features": "tests/integration/framework/test_plugin.py: the `infrastructure` fixture in real "
    f"pytest sessions ({_CLOUD_RUNNING})",
    "repo/changelog": "tests/integration/repo/test_repo_offline_history.py: real git repositories",
    "repo/git": "tests/integration/repo/test_repo_offline_history.py, tests/integration/repo/"
    "test_repo_offline_pr_label.py: real git repositories",
    "repo/github/client": "tests/integration/repo/test_repo_github_client.py: githubkit against a local HTTP "
    "server shaped like GitHub (GitHub's servers cannot run here)",
}


def _modules() -> list[str]:
    return sorted(
        str(path.relative_to(SOURCE).with_suffix(""))
        for path in SOURCE.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    )


def _unit_test_of(module: str) -> Path:
    path = Path(module)
    return UNIT / path.parent / f"test_{path.name}.py"


def test_every_source_module_has_a_unit_test_module_or_says_where_it_is_tested() -> None:
    # GIVEN every module of src/fogbank
    # WHEN each is looked up at its mirrored place in tests/unit, or in COVERED_ELSEWHERE
    unaccounted = [
        module
        for module in _modules()
        if not _unit_test_of(module).exists() and module not in COVERED_ELSEWHERE
    ]
    # THEN none is unaccounted for
    assert not unaccounted, (
        "source modules without a unit test module: "
        + ", ".join(f"{m} (expected {_unit_test_of(m).relative_to(ROOT)})" for m in unaccounted)
        + ". Add the test module there, or name the module in COVERED_ELSEWHERE of tests/unit/test_layout.py "
        "with where it is tested instead and why"
    )


def test_every_allow_list_entry_names_existing_modules() -> None:
    # GIVEN the allow-list; WHEN each key is looked up among the source modules
    modules = set(_modules())
    stale = [module for module in COVERED_ELSEWHERE if module not in modules]
    # THEN every key still names a module (a renamed module must not leave a silent entry behind)
    assert not stale, f"COVERED_ELSEWHERE names no existing module: {stale}; remove or rename these entries"


# unit test modules that check something other than one source module -> what they check
NOT_ONE_MODULE: dict[str, str] = {
    "test_layout.py": "this layout of tests/unit",
    "test_docstring_examples.py": "the docstring examples of every module",
    "repo/test_repo_workflows.py": "the shipped GitHub Actions workflows run `fogbank repo|layer` commands that exist",
    "sharding/test_e2e_workflow.py": "the shipped e2e workflows run `fogbank e2e` options that exist",
}


def test_every_unit_test_module_is_named_after_the_module_it_tests() -> None:
    # GIVEN every unit test module, and the source modules
    modules = set(_modules())
    # WHEN each test module's name is turned back into the module it mirrors
    orphans = []
    for test in sorted(UNIT.rglob("test_*.py")):
        relative = test.relative_to(UNIT)
        module = str((relative.parent / relative.name.removeprefix("test_")).with_suffix(""))
        if module not in modules and str(relative) not in NOT_ONE_MODULE:
            orphans.append(str(relative))
    # THEN each names a module (a reader of a change to src/fogbank/a/b.py finds tests/unit/a/test_b.py), or
    # is listed in NOT_ONE_MODULE with what it checks
    assert not orphans, (
        f"unit test modules named after no module of src/fogbank: {orphans}; rename each after the module it "
        "tests (split it if it tests several), or list it in NOT_ONE_MODULE of tests/unit/test_layout.py"
    )
    stale = [name for name in NOT_ONE_MODULE if not (UNIT / name).is_file()]
    assert not stale, f"NOT_ONE_MODULE names missing test modules: {stale}"


def test_unit_test_modules_sit_at_a_mirrored_place() -> None:
    # GIVEN every unit test module (this file and a few cross-cutting checks aside)
    cross_cutting = {"test_layout.py"}
    folders = {str(Path(m).parent) for m in _modules()} | {"."}
    # WHEN its folder is compared with src/fogbank's folders
    misplaced = [
        str(test.relative_to(UNIT))
        for test in UNIT.rglob("test_*.py")
        if str(test.parent.relative_to(UNIT)) not in folders and test.name not in cross_cutting
    ]
    # THEN each sits in a folder that mirrors a source folder
    assert not misplaced, f"unit tests outside the mirrored folders of src/fogbank: {misplaced}"


def _entry_problems(module: str, where: str) -> list[str]:
    problems = []
    if any(char in module for char in "*?[") or not (SOURCE / f"{module}.py").is_file():
        problems.append(f"{module!r} is not one module of src/fogbank (no wildcards: one entry per module)")
    elif _unit_test_of(module).exists():
        problems.append(
            f"{module!r} has its unit test module {_unit_test_of(module).relative_to(ROOT)}: remove the entry"
        )
    head, colon, reason = where.partition(":")
    paths = [path.strip() for path in head.split(",")] if colon else []
    if not paths or not reason.strip():
        problems.append(f"{module!r}: the value must read 'tests/<file>.py[, tests/<file>.py]: why not here'")
    for path in paths:
        if not (path.startswith("tests/") and path.endswith(".py") and (ROOT / path).is_file()):
            problems.append(f"{module!r}: {path!r} is not an existing test file")
    return problems


def test_every_allow_list_entry_is_one_module_and_starts_with_the_test_files_that_exercise_it() -> None:
    # GIVEN the allow-list entries / WHEN each key and value is read
    problems = [
        problem for module, where in COVERED_ELSEWHERE.items() for problem in _entry_problems(module, where)
    ]
    # THEN each names one module, and its value starts with the existing test files a reader should open
    assert not problems, "COVERED_ELSEWHERE: " + "; ".join(problems)


def test_the_entry_check_refuses_wildcards_missing_files_values_without_a_file_and_tested_modules() -> None:
    # GIVEN entries of each bad kind, and a good one / WHEN checked THEN only the good one passes
    assert _entry_problems("repo/git", "tests/integration/repo/test_repo_offline_history.py: real git") == []
    assert _entry_problems("repo/*", "tests/integration/repo/test_repo_offline_history.py: real git")
    assert _entry_problems("repo/git", "tests/integration/repo/test_nothing_here.py: real git")
    assert _entry_problems("repo/git", "tests/integration/repo: a folder")
    assert _entry_problems("repo/git", "the exception tree: checked everywhere")
    assert _entry_problems("repo/git", "tests/integration/repo/test_repo_offline_history.py")
    assert _entry_problems("repo/globs", "tests/unit/repo/test_globs.py: it has its own unit test module")


def test_no_test_module_imports_from_a_conftest() -> None:
    # GIVEN every test module of tests/unit and tests/integration (the folders `make test` collects together)
    offenders = [
        str(path.relative_to(ROOT))
        for folder in (UNIT, ROOT / "tests" / "integration")
        for path in folder.rglob("*.py")
        if any(
            line.startswith(("from conftest import", "import conftest"))
            for line in path.read_text().splitlines()
        )
    ]
    # THEN none imports helpers from `conftest`: pytest keeps one module of that name per run, so such an
    # import breaks when another folder's conftest.py is collected first; helpers go in tests/<area>_support.py
    assert offenders == []
