"""The pytest plugin: options, the session's target and layer, and a per-feature `infrastructure` fixture.

Options:
    --fogbank-target=local|aws   where stacks go (default: FOGBANK_TARGET, else local)
    --fogbank-endpoint=URL       use a running local cloud instead of one per worker
    --fogbank-keep-stacks        do not delete stacks; print how to delete them later
    --fogbank-report=PATH|none   where the run report goes (default: cdk.out/fogbank-report.html, written
                                 when a feature was deployed), or none
    --fogbank-max-stacks=N       at most N stacks of the run at once (default: 2 per worker)
    --fogbank-no-pipeline        deploy, test and delete one feature at a time per worker
    --fogbank-iam=enforce|warn|off   IAM on the local cloud (default: FOGBANK_IAM_MODE, else enforce);
                                 the summary lists what was denied, would be denied on AWS, or not checked

Fixtures:
    infrastructure   package-scoped, for every test folder holding an `infrastructure.py`: deploys its
                     BaseInfrastructure subclass, yields the outputs (a Mapping), always deletes. A
                     conftest.py that defines `infrastructure` itself takes precedence.
    fogbank_target   the session's deploy target (starts this worker's LocalCloud on first use).
    fogbank_cloud    the LocalCloud of this worker (target local only).
    fogbank_layer    the shared layer folder, built once per run across xdist workers (call_once).

Pipelined deploys (fogbank.pytest_plugin.pipeline): while a feature's tests run, the worker deploys the
stack of its next feature, and the previous feature's stack is deleted in the background.

Example:
    $ pytest -n 2 --dist loadgroup tests/e2e --fogbank-target=local
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from fogbank.pytest_plugin.groups import pytest_xdist_make_scheduler

if TYPE_CHECKING:
    from fogbank.cloud import LocalCloud
    from fogbank.deploy.targets import Target
    from fogbank.pytest_plugin.pipeline import StackPipeline
    from fogbank.pytest_plugin.session import SessionTargets

# pytest finds hooks by name; pytest_xdist_make_scheduler is imported from groups.py.
__all__ = ["build_shared_layer", "pytest_xdist_make_scheduler", "stack_timings"]

_TARGETS_KEY = pytest.StashKey["SessionTargets"]()
_REGISTERED_KEY = pytest.StashKey[set[Path]]()
DEFAULT_REPORT = "cdk.out/fogbank-report.html"
REPORT_PLUGIN_NAME = "fogbank-report"
_MANAGED_KEY = pytest.StashKey[set[Path]]()  # feature folders whose `infrastructure` fixture is fogbank's
_PIPELINE_KEY = pytest.StashKey["StackPipeline"]()
_TIMINGS_KEY = pytest.StashKey[dict[str, dict[str, float]]]()
STACKS_PER_WORKER = 2
WORKEROUTPUT_TIMINGS = "fogbank_stack_timings"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fogbank", "fogbank end-to-end tests")
    group.addoption(
        "--fogbank-target",
        choices=("local", "aws"),
        default=None,
        dest="fogbank_target",
        help="where feature stacks are deployed: local (a LocalCloud per worker, default) or aws",
    )
    group.addoption(
        "--fogbank-endpoint",
        default=None,
        dest="fogbank_endpoint",
        help="use a running local cloud (e.g. `fogbank cloud start`) instead of starting one per worker",
    )
    group.addoption(
        "--fogbank-keep-stacks",
        action="store_true",
        default=False,
        dest="fogbank_keep_stacks",
        help="keep the deployed stacks after the tests, and print how to delete them",
    )
    group.addoption(
        "--fogbank-report",
        default=None,
        dest="fogbank_report",
        metavar="PATH|none",
        help="write the run report (one offline HTML file, plus its data as .json) to PATH; 'none' turns it "
        f"off (default: {DEFAULT_REPORT}, written when a feature was deployed)",
    )
    group.addoption(
        "--fogbank-max-stacks",
        type=int,
        default=None,
        dest="fogbank_max_stacks",
        help=f"at most this many stacks of the run exist at once, across workers (default: "
        f"{STACKS_PER_WORKER} per worker: the current feature's and the next one's, deployed ahead)",
    )
    group.addoption(
        "--fogbank-no-pipeline",
        action="store_true",
        default=False,
        dest="fogbank_no_pipeline",
        help="no pipelined deploys: each worker deploys, tests and deletes one feature at a time",
    )
    group.addoption(
        "--fogbank-iam",
        choices=("enforce", "warn", "off"),
        default=None,
        dest="fogbank_iam",
        help="IAM on the local cloud: enforce (default; AccessDenied as on AWS), warn (allow, report), off",
    )


def _target_name(config: pytest.Config) -> str:
    return str(config.getoption("fogbank_target") or os.environ.get("FOGBANK_TARGET") or "local")


def pytest_configure(config: pytest.Config) -> None:
    """Cheap wiring only: nothing starts until a fixture or a BaseInfrastructure asks for a target."""
    from fogbank.deploy.targets import set_target_factory
    from fogbank.pytest_plugin.session import SessionTargets

    config.stash[_REGISTERED_KEY] = set()
    config.stash[_MANAGED_KEY] = set()
    max_stacks = config.getoption("fogbank_max_stacks", None)
    if max_stacks is not None and max_stacks < 1:
        raise pytest.UsageError(f"--fogbank-max-stacks must be 1 or more, not {max_stacks}")
    if not config.pluginmanager.hasplugin("xdist"):
        # Feature tests carry xdist_group marks for `--dist loadgroup`; keep them valid with -p no:xdist.
        config.addinivalue_line("markers", "xdist_group(name): group tests on one xdist worker (loadgroup)")
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None and "fogbank_run_id" in workerinput:
        os.environ["FOGBANK_RUN_ID"] = workerinput["fogbank_run_id"]
    targets = SessionTargets(
        default_name=_target_name(config),
        endpoint=config.getoption("fogbank_endpoint"),
        iam_mode=config.getoption("fogbank_iam"),
    )
    config.stash[_TARGETS_KEY] = targets
    from fogbank.pytest_plugin.iam_report import IamReport

    config.pluginmanager.register(IamReport(lambda: targets.cloud), "fogbank-iam-report")

    def factory(name: str | None) -> Target | None:
        """Hand-written conftests (`X().deploy()`) reach the session's target through this."""
        return targets.get(name) if name in (None, targets.default_name) else None

    set_target_factory(factory)
    _register_report(config)


def _register_report(config: pytest.Config) -> None:
    choice = config.getoption("fogbank_report")
    if choice is not None and choice.lower() == "none":
        return
    from fogbank.report.recorder import ReportRecorder

    path = Path(choice) if choice else config.rootpath / DEFAULT_REPORT
    config.pluginmanager.register(
        ReportRecorder(config, path, explicit=choice is not None), REPORT_PLUGIN_NAME
    )


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller: give every worker the same run id, so stack names share it."""
    from fogbank.infrastructure import current_run_id

    node.workerinput["fogbank_run_id"] = current_run_id()


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Give each folder with an `infrastructure.py` its own package-scoped `infrastructure` fixture."""
    if not isinstance(collector, pytest.Module):
        return
    folder = collector.path.parent
    registered = collector.config.stash[_REGISTERED_KEY]
    if folder in registered or not (folder / "infrastructure.py").is_file():
        return
    if collector.path.name in ("infrastructure.py", "conftest.py"):
        return
    registered.add(folder)
    manager = collector.session._fixturemanager
    if manager.getfixturedefs("infrastructure", collector):
        return  # a conftest.py defines it: the user's fixture wins
    from fogbank.pytest_plugin.features import make_feature_fixture

    assert collector.parent is not None
    collector.config.stash[_MANAGED_KEY].add(folder)
    manager.parsefactories(holder=make_feature_fixture(folder / "infrastructure.py"), node=collector.parent)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Features were collected: what pytest and the test modules loaded stays for the run (see
    fogbank.heap)."""
    if session.config.stash.get(_MANAGED_KEY, None):
        from fogbank.heap import freeze_long_lived

        freeze_long_lived()


_NEEDS_TARGET = frozenset({"infrastructure", "fogbank_target", "fogbank_cloud"})


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that needs the session's target is about to be set up: start a local cloud now, in the
    background, so that its start overlaps the layer check and the feature's import and synth."""
    targets = item.config.stash.get(_TARGETS_KEY, None)
    if targets is not None and _NEEDS_TARGET.intersection(getattr(item, "fixturenames", ())):
        targets.prestart()


def pytest_runtest_call(item: pytest.Item) -> None:
    """The current feature's stack is up: start deploying this worker's next feature (if a slot is free)."""
    pipeline = item.config.stash.get(_PIPELINE_KEY, None)
    if pipeline is None or item.session.shouldstop or item.session.shouldfail:
        return
    from fogbank.pytest_plugin.lookahead import next_features

    managed: set[Path] = item.config.stash[_MANAGED_KEY]
    pipeline.deploy_ahead(next_features(item, managed, how_many=1))


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """The last test of a feature on this worker ended: delete its stack now (in the background).

    The fixture's own teardown does it too, but a feature folder without `__init__.py` is no package, and
    its package-scoped fixture would live until the session ends.
    """
    pipeline = item.config.stash.get(_PIPELINE_KEY, None)
    if pipeline is None:
        return
    from fogbank.pytest_plugin.lookahead import feature_folder_of

    managed: set[Path] = item.config.stash[_MANAGED_KEY]
    folder = feature_folder_of(item, managed)
    if folder is not None and (nextitem is None or feature_folder_of(nextitem, managed) != folder):
        pipeline.release(folder)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """After the last fixture teardown: delete every stack left, and pass on the stacks' timings.

    Before the terminal summary: plugins whose summary would report nothing are left out of it
    (fogbank.pytest_plugin.session_end).
    """
    _close_pipeline(session.config, session)
    from fogbank.pytest_plugin.session_end import skip_idle_hypothesis_summary

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skip_idle_hypothesis_summary(session.config, reporter.stats if reporter is not None else {})


def _close_pipeline(config: pytest.Config, session: pytest.Session | None) -> None:
    pipeline = config.stash.get(_PIPELINE_KEY, None)
    if pipeline is None:
        return
    del config.stash[_PIPELINE_KEY]
    pipeline.close()
    config.stash[_TIMINGS_KEY] = pipeline.timings
    workeroutput: dict[str, Any] | None = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKEROUTPUT_TIMINGS] = pipeline.timings
    for message in pipeline.delete_errors:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"fogbank: {message}")
        if session is not None and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def stack_timings(config: pytest.Config) -> dict[str, dict[str, float]]:
    """Feature -> {"deploy": s, "teardown": s} of this process's pipelined stacks (after the session)."""
    timings: dict[str, dict[str, float]] = config.stash.get(_TIMINGS_KEY, {})
    return dict(timings)


def pytest_unconfigure(config: pytest.Config) -> None:
    """End the worker's LocalCloud (runs on success, failure and Ctrl-C).

    A process that collected features exits without a last garbage collection of its heap
    (fogbank.pytest_plugin.session_end).
    """
    _close_pipeline(config, None)  # normally done at session finish; stacks go before their cloud
    targets = config.stash.get(_TARGETS_KEY, None)
    if targets is not None:
        from fogbank.deploy.targets import set_target_factory

        set_target_factory(None)
        del config.stash[_TARGETS_KEY]
        targets.close()
    if config.stash.get(_MANAGED_KEY, None):
        from fogbank.heap import freeze_long_lived
        from fogbank.pytest_plugin.session_end import skip_collection_at_exit

        # a stopped cloud hands its frozen models back to the collector (fogbank.cloud.warmup); the worker
        # ends now, so pytest's end-of-session collections walk only what is made after this point
        freeze_long_lived()
        skip_collection_at_exit()


def build_shared_layer() -> str:
    """Build (or reuse) the project's layer; returns its folder. The task `fogbank_layer` runs once."""
    from fogbank.layer import LayerBuilder

    return str(LayerBuilder().build())


@pytest.fixture(scope="session")
def fogbank_layer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The layer folder, built once per run across xdist workers (also works with -p no:xdist)."""
    from fogbank.call_once import call_once

    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "master")
    yield from call_once(task=build_shared_layer, tmp_path_factory=tmp_path_factory, worker_id=worker_id)


@pytest.fixture(scope="session")
def fogbank_pipeline(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, fogbank_targets: SessionTargets
) -> StackPipeline | None:
    """This process's stack pipeline (internal), or None with --fogbank-no-pipeline / --fogbank-keep-stacks."""
    config = request.config
    if config.getoption("fogbank_no_pipeline") or config.getoption("fogbank_keep_stacks"):
        return None
    from fogbank.pytest_plugin.pipeline import StackPipeline
    from fogbank.pytest_plugin.slots import StackSlots

    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    workers = int(workerinput.get("workercount", 1)) if workerinput is not None else 1
    run_folder = tmp_path_factory.getbasetemp()
    if workerinput is not None:  # every worker's base temp is a folder of the run's
        run_folder = run_folder.parent
    requested = config.getoption("fogbank_max_stacks")
    limit = STACKS_PER_WORKER * workers if requested is None else requested
    observer = config.pluginmanager.get_plugin(REPORT_PLUGIN_NAME)  # the run report, unless turned off
    slots = StackSlots(run_folder / "stack-slots", limit)
    pipeline = StackPipeline(lambda: fogbank_targets.get(None), slots, observer)
    config.stash[_PIPELINE_KEY] = pipeline
    return pipeline


@pytest.fixture(scope="session")
def fogbank_targets(request: pytest.FixtureRequest) -> SessionTargets:
    """The session's targets (internal; use fogbank_target)."""
    return request.config.stash[_TARGETS_KEY]


@pytest.fixture(scope="session")
def fogbank_target(fogbank_targets: SessionTargets) -> Target:
    """The session's deploy target; for local, this worker's LocalCloud (started on first use)."""
    return fogbank_targets.get(None)


@pytest.fixture(scope="session")
def fogbank_cloud(fogbank_targets: SessionTargets) -> LocalCloud:
    """This worker's LocalCloud; only with --fogbank-target=local."""
    from fogbank.errors import TargetError

    fogbank_targets.get(None)
    if fogbank_targets.cloud is None:
        raise TargetError("fogbank_cloud needs --fogbank-target=local; with aws there is no local cloud")
    return fogbank_targets.cloud
