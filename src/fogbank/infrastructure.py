"""Feature stacks: `InfrastructureProvider` and `BaseInfrastructure`, with the seed's names and behaviour.

A feature folder holds `infrastructure.py` (a BaseInfrastructure subclass), `handlers/*.py` (one Lambda
function each) and its tests. The feature name is the folder name with `_` replaced by `-`.

Example (skipped as a doctest: it runs CDK synth and deploys a stack):
    >>> class LoggerStack(BaseInfrastructure):  # doctest: +SKIP
    ...     def create_resources(self) -> None:
    ...         self.create_lambda_functions(function_props={"timeout": Duration.seconds(10)})
    >>> outputs = LoggerStack().deploy()  # doctest: +SKIP
    >>> outputs["BasicHandler"]  # doctest: +SKIP
    'fogbank-logger-1a2b3c-basichandlerlambda...'
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fogbank.config import FogbankConfig, load_config
from fogbank.errors import ConfigError

if TYPE_CHECKING:
    from aws_cdk import App, Stack, aws_lambda

    from fogbank.deploy.targets import Target

__all__ = [
    "ASSET_ZIP_CACHE",
    "BaseInfrastructure",
    "InfrastructureProvider",
    "MissingOutputError",
    "StackOutputs",
    "class_file",
    "current_run_id",
    "find_infrastructure_class",
]

RUN_ID_VARIABLE = "FOGBANK_RUN_ID"
# jsii prints a Node end-of-life banner on every import of aws_cdk unless told not to.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
STACK_PREFIX = "fogbank"
# Zipped directory assets (the layer above all), kept under cdk.out between runs, keyed by asset hash.
ASSET_ZIP_CACHE = ".asset-zips"


def current_run_id() -> str:
    """The id shared by every stack of this run: FOGBANK_RUN_ID, set here (and inherited) when missing."""
    run_id = os.environ.get(RUN_ID_VARIABLE)
    if not run_id:
        run_id = f"{int(time.time()):x}{os.getpid() % 4096:03x}"
        os.environ[RUN_ID_VARIABLE] = run_id
    return run_id


def class_file(cls: type) -> Path:
    """The file that defines `cls` (also for modules loaded from a path and not in sys.modules)."""
    try:
        return Path(inspect.getfile(cls)).resolve()
    except TypeError:
        return Path(cls.create_resources.__code__.co_filename).resolve()  # type: ignore[attr-defined]


def pascal_case(stem: str) -> str:
    """`basic_handler` -> `BasicHandler`, as the seed names outputs (`stem.title().replace("_", "")`).

    Stems with characters other than letters, digits and `_` (invalid in output names) drop them.
    """
    if re.fullmatch(r"[0-9A-Za-z_]+", stem):
        return stem.title().replace("_", "")
    return "".join(part.title() for part in re.split(r"[^0-9A-Za-z]+", stem) if part)


class MissingOutputError(KeyError):
    """A stack output that the stack does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


class StackOutputs(Mapping[str, str]):
    """A deployed stack's outputs. A missing key raises a KeyError naming the stack and the keys it has.

    Example:
        >>> outputs = StackOutputs("fogbank-demo-1", {"BasicHandler": "fn"})
        >>> outputs["BasicHandler"]
        'fn'
    """

    def __init__(self, stack_name: str, outputs: Mapping[str, str]) -> None:
        self.stack_name = stack_name
        self._outputs = dict(outputs)

    def __getitem__(self, key: str) -> str:
        try:
            return self._outputs[key]
        except KeyError:
            have = ", ".join(sorted(self._outputs)) or "no outputs at all"
            raise MissingOutputError(
                f"stack {self.stack_name} has no output {key!r}; it has: {have}. Add it in create_resources "
                "with self.add_cfn_output(...)"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._outputs)

    def __len__(self) -> int:
        return len(self._outputs)

    def __repr__(self) -> str:
        return f"StackOutputs({self.stack_name!r}, {self._outputs!r})"


class InfrastructureProvider(ABC):
    """What every feature stack offers (the seed's interface)."""

    @abstractmethod
    def deploy(self) -> Mapping[str, str]:
        """Deploy the stack and return its outputs."""

    @abstractmethod
    def delete(self) -> None:
        """Delete the stack and wait until it is gone."""

    @abstractmethod
    def create_resources(self) -> None:
        """Define the feature's resources on `self.stack` (CDK)."""

    @abstractmethod
    def create_lambda_functions(
        self, function_props: dict[str, Any] | None = None, architecture: Any = "x86_64"
    ) -> dict[str, aws_lambda.Function]:
        """One function per `handlers/*.py`; returns them by PascalCase name."""


class BaseInfrastructure(InfrastructureProvider):
    """A feature's CDK App and Stack, synthesized into `cdk.out/<feature>/` and deployed through CloudFormation.

    Args:
        target: "local", "aws" or a Target; default: FOGBANK_TARGET / the pytest plugin's target.

    Override `create_synthesizer()` to choose another CDK synthesizer.
    """

    def __init__(self, target: Target | str | None = None) -> None:
        self.feature_path = class_file(type(self)).parent
        self.feature_name = self.feature_path.name.replace("_", "-")
        self.config: FogbankConfig = load_config(self.feature_path)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        name = f"{STACK_PREFIX}-{self.feature_name}-{current_run_id()}" + (f"-{worker}" if worker else "")
        self.stack_name = re.sub(r"[^A-Za-z0-9-]", "-", name)[:128]
        self.construct_id = re.sub(r"[^A-Za-z0-9-]", "-", f"{STACK_PREFIX}-{self.feature_name}")
        self.assembly_dir = self.config.cdk_out / self.feature_name
        self._target_choice = target
        self._target: Target | None = None
        self._app: App | None = None
        self._stack: Stack | None = None
        self._context: dict[str, Any] = {}
        self.stack_outputs: dict[str, str] = {}  # the seed's attribute, filled by deploy()

    # -- where it goes ------------------------------------------------------------------------------------
    @property
    def target(self) -> Target:
        """The deploy target, resolved on first use."""
        if self._target is None:
            from fogbank.deploy.targets import Target, resolve_target

            choice = self._target_choice
            self._target = choice if isinstance(choice, Target) else resolve_target(choice)
        return self._target

    @property
    def region(self) -> str:
        return self.target.region

    @property
    def account(self) -> str:
        return self.target.account

    @property
    def account_id(self) -> str:
        """The target's account id (the seed's name; the same as `account`)."""
        return self.target.account

    @property
    def session(self) -> Any:
        """The target's boto3 Session (the seed's `self.session`): credentials chain, region, endpoint."""
        return self.target.session

    @property
    def cfn(self) -> Any:
        """A CloudFormation client of the target (the seed's `self.cfn`)."""
        return self.target.client("cloudformation")

    # -- CDK objects (created lazily: importing aws_cdk costs about a second) -------------------------------
    @property
    def app(self) -> App:
        if self._app is None:
            self._new_app(self._context)
        assert self._app is not None
        return self._app

    @property
    def stack(self) -> Stack:
        if self._stack is None:
            self._new_app(self._context)
        assert self._stack is not None
        return self._stack

    def create_synthesizer(self) -> Any:
        """The stack synthesizer. Default: CliCredentialsStackSynthesizer (no bootstrap roles or parameters)."""
        from aws_cdk import CliCredentialsStackSynthesizer

        return CliCredentialsStackSynthesizer()

    def _new_app(self, context: dict[str, Any]) -> None:
        from aws_cdk import App, Environment, Stack

        outdir = os.environ.get("CDK_OUTDIR") or str(self.assembly_dir)
        self._app = App(outdir=outdir, context=dict(context))
        self._stack = Stack(
            self._app,
            self.construct_id,
            stack_name=self.stack_name,
            env=Environment(account=self.account, region=self.region),
            synthesizer=self.create_synthesizer(),
        )

    # -- the seed's helpers -------------------------------------------------------------------------------
    def create_lambda_functions(
        self, function_props: dict[str, Any] | None = None, architecture: Any = "x86_64"
    ) -> dict[str, aws_lambda.Function]:
        """One function per `handlers/*.py`, with the shared layer, active tracing and a 1-day log group.

        Outputs `<PascalCase>` (function name) and `<PascalCase>Arn` are added; `function_props` overrides
        any default (keyword arguments of `aws_lambda.Function`).
        """
        from aws_cdk import RemovalPolicy, aws_logs
        from aws_cdk import aws_lambda as lambda_

        from fogbank.layer import LayerBuilder, host_architecture

        handlers_dir = self.feature_path / "handlers"
        handlers = sorted(handlers_dir.glob("*.py")) if handlers_dir.is_dir() else []
        handlers = [handler for handler in handlers if handler.stem != "__init__"]
        if not handlers:
            raise ConfigError(
                f"feature {self.feature_name}: no handlers found in {handlers_dir}; create that folder with one "
                "<name>.py per Lambda function, each defining lambda_handler(event, context)"
            )
        arch = _architecture(architecture)
        # Built for where it runs: on AWS the function's architecture; on the local target the functions, of
        # either architecture, run on this machine, so its native wheels must be this machine's.
        builder = LayerBuilder(
            self.config, architecture=host_architecture() if self.target.is_local else arch.name
        )
        layer = lambda_.LayerVersion(
            self.stack,
            "fogbank-layer",
            layer_version_name=f"{self.construct_id}-layer",
            compatible_runtimes=[_runtime()],
            compatible_architectures=[arch],
            code=lambda_.Code.from_asset(str(builder.build()), asset_hash=builder.source_hash()),
        )
        source = lambda_.Code.from_asset(str(handlers_dir))
        functions: dict[str, lambda_.Function] = {}
        for handler in handlers:
            name = pascal_case(handler.stem)
            settings: dict[str, Any] = {
                "id": f"{handler.stem}-lambda",
                "code": source,
                "handler": f"{handler.stem}.lambda_handler",
                "tracing": lambda_.Tracing.ACTIVE,
                "runtime": _runtime(),
                "layers": [layer],
                "architecture": arch,
                **(function_props or {}),
            }
            function = lambda_.Function(self.stack, **settings)
            aws_logs.LogGroup(
                self.stack,
                id=f"{handler.stem}-lg",
                log_group_name=f"/aws/lambda/{function.function_name}",
                retention=aws_logs.RetentionDays.ONE_DAY,
                removal_policy=RemovalPolicy.DESTROY,
            )
            self.add_cfn_output(name=name, value=function.function_name, arn=function.function_arn)
            functions[name] = function
        return functions

    def add_cfn_output(self, name: str, value: str, arn: str = "") -> None:
        """Add output `name`, plus `<name>Arn` when `arn` is given."""
        from aws_cdk import CfnOutput

        CfnOutput(self.stack, name, value=value)
        if arn:
            CfnOutput(self.stack, f"{name}Arn", value=arn)

    # -- lifecycle ----------------------------------------------------------------------------------------
    def synth(self) -> Path:
        """Synthesize into `cdk.out/<feature>/` unless the synth cache says nothing changed."""
        from fogbank.synth import synthesize

        return synthesize(self)

    def deploy(self) -> StackOutputs:
        """Synthesize, publish assets, create or update the stack, wait; returns its outputs."""
        from fogbank.deploy.stacks import deploy_stack
        from fogbank.report.phases import phase

        with phase("synth"):
            assembly = self.synth()
        outputs = deploy_stack(
            self.target,
            assembly,
            self.stack_name,
            tags=self.stack_tags(),
            zip_cache=self.config.cdk_out / ASSET_ZIP_CACHE,
        )
        self.stack_outputs = dict(outputs)
        return StackOutputs(self.stack_name, outputs)

    def delete(self) -> None:
        """Delete the stack and wait until it is gone."""
        from fogbank.deploy.stacks import delete_stack

        delete_stack(self.target, self.stack_name)

    def stack_tags(self) -> dict[str, str]:
        """Tags that let `fogbank sweep` find this project's leftover test stacks."""
        return {
            "fogbank:project": self.config.root.name,
            "fogbank:feature": self.feature_name,
            "fogbank:run-id": current_run_id(),
        }


def _load_module(path: Path) -> Any:
    path = path.resolve()
    for module in list(sys.modules.values()):
        module_file = getattr(module, "__file__", None)
        if module_file and Path(module_file).resolve() == path:
            return module
    name = "fogbank_feature_" + re.sub(r"\W", "_", f"{path.parent.name}_{path.stem}")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - only for non-.py paths
        raise ConfigError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def find_infrastructure_class(path: Path) -> type[BaseInfrastructure]:
    """The one concrete BaseInfrastructure subclass defined in `path`."""
    if not path.is_file():
        raise ConfigError(
            f"{path} does not exist; a feature folder holds an infrastructure.py that defines one "
            "BaseInfrastructure subclass"
        )
    module = _load_module(path)
    found = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseInfrastructure)
        and cls.__module__ == module.__name__
        and not inspect.isabstract(cls)
    ]
    if len(found) != 1:
        names = ", ".join(cls.__name__ for cls in found) or "none"
        raise ConfigError(
            f"{path} must define exactly one BaseInfrastructure subclass (found: {names}); the fogbank plugin "
            "deploys it for the tests in that folder. Define the `infrastructure` fixture in a conftest.py "
            "there to choose yourself"
        )
    return found[0]


def _runtime() -> Any:
    from aws_cdk import aws_lambda as lambda_

    name = f"PYTHON_{sys.version_info.major}_{sys.version_info.minor}"
    return getattr(lambda_.Runtime, name)


def _architecture(value: Any) -> Any:
    from aws_cdk import aws_lambda as lambda_

    if isinstance(value, lambda_.Architecture):
        return value
    if value in ("x86_64", None):
        return lambda_.Architecture.X86_64
    if value == "arm64":
        return lambda_.Architecture.ARM_64
    raise ConfigError(f"architecture {value!r} is unknown; use 'x86_64', 'arm64' or aws_lambda.Architecture")
