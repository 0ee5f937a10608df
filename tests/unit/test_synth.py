"""The synth cache: its key covers what shapes the template, and a hit skips CDK altogether. Synthesizing
for real (CDK, jsii, context lookups) is tested in tests/integration/framework/test_synth.py."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from fogbank.deploy.targets import Target, local_target
from fogbank.errors import SynthError
from fogbank.infrastructure import BaseInfrastructure, find_infrastructure_class
from fogbank.synth import CACHE_FILE, CONTEXT_FILE, synth_inputs_hash, synthesize

# create_resources fails loudly: a cache hit must not get that far (nor import aws_cdk)
STACK = """
    from fogbank.infrastructure import BaseInfrastructure


    class OrdersStack(BaseInfrastructure):
        def create_resources(self) -> None:
            raise AssertionError("synth ran")
"""


def target(region: str = "eu-west-1") -> Target:
    # the account is given: nothing is called on the target
    return local_target("http://127.0.0.1:9", region=region, account_id="123456789012")


@pytest.fixture
def feature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with feature `orders`: its stack class and one handler."""
    (tmp_path / "pyproject.toml").write_text("[tool.fogbank]\n")
    folder = tmp_path / "tests" / "e2e" / "orders"
    (folder / "handlers").mkdir(parents=True)
    (folder / "infrastructure.py").write_text(textwrap.dedent(STACK))
    (folder / "handlers" / "create_order.py").write_text("def handler(event, context):\n    return 1\n")
    monkeypatch.setenv("FOGBANK_RUN_ID", "unit")
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    return folder


def stack(feature: Path, region: str = "eu-west-1") -> BaseInfrastructure:
    return find_infrastructure_class(feature / "infrastructure.py")(target=target(region))


def test_the_key_follows_handlers_context_and_target_and_nothing_else(feature: Path) -> None:
    # GIVEN a feature's key
    before = synth_inputs_hash(stack(feature))
    # WHEN compiled bytecode appears next to a handler THEN the key stays
    (feature / "handlers" / "__pycache__").mkdir()
    (feature / "handlers" / "__pycache__" / "create_order.cpython-311.pyc").write_bytes(b"\0")
    assert synth_inputs_hash(stack(feature)) == before
    # WHEN the target's region differs THEN the key changes (the template names it)
    assert synth_inputs_hash(stack(feature, region="us-west-2")) != before
    # WHEN a handler changes, or context lookups are recorded THEN the key changes
    (feature / "handlers" / "create_order.py").write_text("def handler(event, context):\n    return 2\n")
    edited = synth_inputs_hash(stack(feature))
    (feature / CONTEXT_FILE).write_text('{"availability-zones:account=1:region=eu-west-1": ["eu-west-1a"]}')
    assert len({before, edited, synth_inputs_hash(stack(feature))}) == 3


def test_a_cache_hit_skips_synth_and_points_the_manifest_at_this_runs_stack(feature: Path) -> None:
    # GIVEN an assembly synthesized by an earlier run (another stack name) with the current key
    infra = stack(feature)
    infra.assembly_dir.mkdir(parents=True)
    manifest = {"version": "55.0.0", "artifacts": {"fogbank-orders": {
        "type": "aws:cloudformation:stack", "properties": {"templateFile": "t.json", "stackName": "fogbank-orders-old"}}}}  # fmt: skip
    (infra.assembly_dir / "manifest.json").write_text(json.dumps(manifest))
    (infra.assembly_dir / CACHE_FILE).write_text(synth_inputs_hash(infra))
    # WHEN synthesized THEN CDK is not run (create_resources would raise) and the manifest names this run's stack
    assert synthesize(infra) == infra.assembly_dir
    written = json.loads((infra.assembly_dir / "manifest.json").read_text())
    assert written["artifacts"]["fogbank-orders"]["properties"]["stackName"] == "fogbank-orders-unit"


def test_a_broken_context_file_is_named_before_cdk_starts(feature: Path) -> None:
    # GIVEN a cdk.context.json that is not JSON (a merge conflict left in it)
    (feature / CONTEXT_FILE).write_text('{"a": 1,\n<<<<<<< HEAD\n')
    # WHEN synthesized THEN the error names the file and the way out, and synth never ran
    with pytest.raises(SynthError, match=rf"{CONTEXT_FILE} is not valid JSON .*fix it or delete it"):
        synthesize(stack(feature))
