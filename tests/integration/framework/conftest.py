"""Fixtures for the framework's integration tests: sample feature folders copied to a temp project."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fogbank.cloud import LocalCloud
from fogbank.deploy.targets import Target
from fogbank.deploy.targets import local_target as build_local_target
from fogbank.infrastructure import BaseInfrastructure

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "features"


def copy_project(destination: Path) -> Path:
    """The sample project (pyproject.toml with a one-wheel layer, feature folders) at `destination`."""
    shutil.copytree(FIXTURES, destination, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    return destination


def load_stack_class(project: Path, feature: str) -> type[BaseInfrastructure]:
    """Import `<project>/<feature>/infrastructure.py` under a unique name and return its stack class."""
    from fogbank.infrastructure import find_infrastructure_class

    return find_infrastructure_class(project / feature / "infrastructure.py")


@pytest.fixture(scope="module")
def offline_target() -> Target:
    """A target that synth can use without any service: account and region are known up front."""
    return build_local_target("http://127.0.0.1:9", region="us-east-1", account_id="123456789012")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project") / "proj")


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


@pytest.fixture(scope="module")
def local_target(cloud: LocalCloud) -> Target:
    return build_local_target(cloud.endpoint, region=cloud.region, account_id=cloud.account_id)


@pytest.fixture
def stack_class(project: Path) -> Callable[[str], type[BaseInfrastructure]]:
    return lambda feature: load_stack_class(project, feature)


@pytest.fixture(autouse=True)
def _forget_loaded_features() -> Iterator[None]:
    yield
    for name in [name for name in sys.modules if name.startswith("fogbank_feature_")]:
        del sys.modules[name]
